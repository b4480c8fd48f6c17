// Test helpers: scripted fetch, fake clock/sleep, expectation matchers (tests/vectors/README.md).
import assert from 'node:assert/strict';
import { McaError, coreVersion } from 'mca-attestation';

/** A WHATWG Response from a vector response `{status, headers, body}`. */
export function toResponse(r) {
  const status = r.status;
  const nullBody = [101, 204, 205, 304].includes(status);
  return new Response(nullBody ? null : (r.body ?? ''), { status, headers: r.headers ?? {} });
}

/** A fetch that records requests; `answer(request, index)` returns a vector response or throws. */
export function recordingFetch(answer) {
  const requests = [];
  const fetch = async (url, init) => {
    const request = { url, method: init.method, headers: { ...init.headers }, body: init.body ?? null };
    requests.push(request);
    return toResponse(await answer(request, requests.length - 1));
  };
  return { fetch, requests };
}

/** A fake clock starting at `start` (ISO) that advances only when the flow sleeps. */
export function fakeClock(start) {
  const clock = { ms: Date.parse(start), sleeps: [] };
  clock.now = () => clock.ms;
  clock.sleep = async (ms) => {
    clock.sleeps.push(ms);
    clock.ms += ms;
  };
  return clock;
}

/** Header value by case-insensitive name. */
export function header(headers, name) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/** Subset match of the core's JSON form: objects by the expected members, arrays whole. */
export function assertSubset(actual, expected, path = '$') {
  if (expected === null) {
    assert.ok(actual === null || actual === undefined, `${path}: expected null, got ${JSON.stringify(actual)}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: array length`);
    expected.forEach((e, i) => assertSubset(actual[i], e, `${path}[${i}]`));
  } else if (typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) assertSubset(actual[k], v, `${path}.${k}`);
  } else {
    assert.deepEqual(actual, expected, `${path}`);
  }
}

/** Checks an McaError against an error expectation. */
export function assertError(error, expected, context = '') {
  assert.ok(error instanceof McaError, `${context}: expected McaError, got ${error?.stack ?? error}`);
  assert.ok(error instanceof Error);
  assert.equal(error.kind, expected.kind, `${context}: kind (${error.message})`);
  // The flat error view, field by field (tests/vectors/README.md): these are always compared,
  // absent from the expectation meaning null; violations absent meaning none.
  for (const key of ['status', 'code', 'title', 'detail', 'traceId', 'retryAfterMs']) {
    assert.deepEqual(error[key], key in expected ? expected[key] : null, `${context}: ${key}`);
  }
  for (const key of ['message', 'bodyExcerpt']) {
    if (key in expected) assert.deepEqual(error[key], expected[key], `${context}: ${key}`);
  }
  if ('violations' in expected) assert.deepEqual(error.violations, expected.violations, `${context}: violations`);
  else if ('pointers' in expected) {
    assert.deepEqual(error.violations.map((v) => v.pointer), expected.pointers, `${context}: pointers`);
  } else assert.deepEqual(error.violations, [], `${context}: violations`);
}

/** Runs `fn` expecting a rejection; returns the error. */
export async function rejection(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error, got a value');
}

/** `User-Agent` expectation with `{version}` and `{binding}` placeholders, as a RegExp. */
export function userAgentPattern(text) {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    '^' + escaped.replace('\\{version\\}', coreVersion().replace(/\./g, '\\.')).replace('\\{binding\\}', '[a-z]+') + '$',
  );
}
