# Type stub of the generated uniffi modules (not part of the public API): everything is Any.
from typing import Any

def __getattr__(name: str) -> Any: ...
