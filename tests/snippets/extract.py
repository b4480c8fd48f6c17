#!/usr/bin/env python3
"""Extracts every fenced code block of the given Markdown files for tests/snippets.sh.

usage: extract.py OUT_DIR README.md [README.md ...]

Each block becomes one file under OUT_DIR/<kind>/ and one line of OUT_DIR/manifest.tsv
(kind, file, source:line). The block's info string decides what happens to it:

  ```ts / ```typescript / ```js / ```javascript   kind ts: type-checked by `tsc --strict` as a module
  ```python / ```py                                  kind python: run against the sandbox
  ```kotlin / ```kt                                  kind kotlin: compiled against the built jar
  ```java                                            kind java: compiled against the built jar
  ```toml                                            kind toml: read by `mca config --config FILE`
  ```text                                            not code (a listing, a tree): never run
  ```<anything> no-run [reason]                      skipped on purpose, listed as skipped

Any other block (```sh, ```html, ```csv, a bare ```) without `no-run` is an error: a new kind of
block must either be checked or be marked as skipped, never silently ignored.

Kotlin and Java blocks that are only statements are wrapped in a function (imports kept on top);
a block that declares a class or function at its top level is used as a file. Each block gets its own
package (snippets.<name>), so blocks may reuse names.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

KINDS = {
    "ts": "ts", "typescript": "ts", "js": "ts", "javascript": "ts",
    "python": "python", "py": "python",
    "kotlin": "kotlin", "kt": "kotlin",
    "java": "java",
    "toml": "toml",
}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
KOTLIN_DECL = re.compile(r"^(?:(?:private|internal|public|data|sealed|open|abstract|suspend|enum)\s+)*(?:class|fun|object|interface)\b")
JAVA_DECL = re.compile(r"^(?:(?:public|final|abstract)\s+)*(?:class|interface|record|enum)\b")


def blocks(path: Path):
    """Yields (line number of the opening fence, info string, body) for each fenced block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group("indent"), m.group("fence"), m.group("info").strip()
        start = i + 1
        body = []
        i += 1
        while i < len(lines):
            close = FENCE.match(lines[i])
            if close and close.group("fence").startswith(fence[0] * len(fence)) and not close.group("info").strip():
                break
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        else:
            sys.exit(f"{path}:{start}: fenced block never closed")
        i += 1
        yield start, info, "\n".join(body) + "\n"


def split_imports(body: str, keyword: str) -> tuple[list[str], list[str]]:
    """Leading import lines (and blank lines or comments among them) and the rest."""
    head, rest = [], body.splitlines()
    while rest and (rest[0].startswith(keyword + " ") or not rest[0].strip() or rest[0].lstrip().startswith("//")):
        head.append(rest.pop(0))
    return head, rest


def kotlin_file(pkg: str, body: str) -> str:
    imports, rest = split_imports(body, "import")
    if any(KOTLIN_DECL.match(line) for line in rest):
        code = "\n".join(rest)
    else:
        code = "suspend fun snippet() {\n" + "\n".join("    " + l if l else l for l in rest) + "\n}"
    return f"package {pkg}\n\n" + "\n".join(imports) + "\n\n" + code + "\n"


def java_file(pkg: str, body: str) -> str:
    imports, rest = split_imports(body, "import")
    if any(JAVA_DECL.match(line) for line in rest):
        code = "\n".join(rest)
    else:
        inner = "\n".join("        " + l if l else l for l in rest)
        code = "class Snippet {\n    static void snippet() throws Exception {\n" + inner + "\n    }\n}"
    return f"package {pkg};\n\n" + "\n".join(imports) + "\n\n" + code + "\n"


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    manifest = []
    errors = []
    for name in sys.argv[2:]:
        path = Path(name)
        slug = re.sub(r"[^a-z0-9]+", "_", str(path.with_suffix("")).lower()).strip("_")
        for line, info, body in blocks(path):
            words = info.split()
            lang = words[0].lower() if words else ""
            where = f"{name}:{line}"
            ident = f"{slug}_l{line}"
            if "no-run" in words[1:]:
                manifest.append(("skipped", "-", where, " ".join(words)))
                continue
            if lang == "text":
                manifest.append(("text", "-", where, "not code"))
                continue
            kind = KINDS.get(lang)
            if kind is None:
                errors.append(f"{where}: block ```{info} is neither checked nor marked `no-run`")
                continue
            pkg = f"snippets.{ident}"
            if kind == "ts":
                file = out / "ts" / f"{ident}.ts"
                text = body
            elif kind == "python":
                file = out / "python" / f"{ident}.py"
                text = body
            elif kind == "kotlin":
                file = out / "kotlin" / "src" / "main" / "kotlin" / "snippets" / ident / "Snippet.kt"
                text = kotlin_file(pkg, body)
            elif kind == "java":
                file = out / "kotlin" / "src" / "main" / "java" / "snippets" / ident / "Snippet.java"
                text = java_file(pkg, body)
            else:
                file = out / "toml" / f"{ident}.toml"
                text = body
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
            manifest.append((kind, str(file), where, ""))
    if errors:
        sys.exit("\n".join(errors))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "manifest.tsv", "w", encoding="utf-8") as f:
        for row in manifest:
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
