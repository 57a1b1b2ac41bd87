/*
 * The JavaScript side of a sandbox: console, the runners of both contracts, and the loop that decodes a batch.
 *
 * Evaluated once per context, before any script, it defines nothing on ``globalThis``: a script sees ``Buffer``,
 * ``console`` (and for TagoIO ``payload``, ``device``, ``raw_payload``) as parameters of the function that wraps it.
 * Its functions reach Python only through the values the evaluation returns, and use only functions captured here,
 * never methods a script could have replaced. Isolation between devices: realm.js.
 *
 * A batch is one call from Python for many uplinks (each crossing costs microseconds): one job per line, each a JSON
 * array ``[device, input]`` (TagoIO: ``[device, payload, device info]``), parsed when its turn comes (so that an
 * uplink's time and memory are its own) and decoded in order, the realm checked whenever the device changes. Each uplink's answer is kept as soon as it is made, so that what was done before a limit
 * stopped the call can still be taken (``takeDone``). The batch stops early, saying where and why, when the realm
 * changed (the rest needs a fresh context), when a script caught a memory or stack error (the context is not
 * trusted again), or when the answers kept grow past a megabyte.
 */
(function (makeBuffer, guardRealm, tagoioPayloads) {
  "use strict";
  var stringify = JSON.stringify, parse = JSON.parse, apply = Reflect.apply;
  var join = Array.prototype.join, split = String.prototype.split, indexOf = String.prototype.indexOf;
  var replace = String.prototype.replace, sliceText = String.prototype.slice;
  var DateCtor = Date, ErrorCtor = Error, StringCtor = String, freeze = Object.freeze, TypeErrorCtor = TypeError;
  var MAX_LOGS = 100, MAX_LOG_CHARS = 1000, MAX_KEPT_CHARS = 1024 * 1024, MAX_REASON_CHARS = 1000, logs = [];
  function flat(parts) { return apply(join, parts, [""]); }  // the Python binding cannot read concatenation ropes:
  // answers are concatenated, the text that goes to Python is joined
  // JSON.stringify writes a lone surrogate (a UTF-16 device name decoded from the payload: d83d) as an escape that
  // no UTF-8 text, hence no JSON reader on the Python side nor DynamoDB, can hold: it becomes U+FFFD. The pattern
  // also matches an escaped backslash, kept, so that the text "\\ud83d" (a backslash, then letters) stays as it is.
  var LONE_SURROGATE = /\\\\|\\ud[89a-f][0-9a-f]{2}/g;
  function keepPair(match) { return match.length === 2 ? match : "\\ufffd"; }
  function wellFormed(text) {
    return apply(indexOf, text, ["\\ud"]) < 0 ? text : apply(replace, text, [LONE_SURROGATE, keepPair]);
  }
  function bounded(text) {
    return text.length > MAX_REASON_CHARS ? apply(sliceText, text, [0, MAX_REASON_CHARS]) : text;
  }

  function show(value) {
    if (typeof value === "string") return value;
    try { var text = stringify(value); return text === undefined ? StringCtor(value) : text; }
    catch (e) { return StringCtor(value); }
  }
  function log() {
    if (logs.length >= MAX_LOGS) return;
    var line = "";
    for (var i = 0; i < arguments.length; i++) line += (i ? " " : "") + show(arguments[i]);
    logs[logs.length] = line.length > MAX_LOG_CHARS ? line.slice(0, MAX_LOG_CHARS) : line;
  }
  var console = { log: log, info: log, warn: log, error: log, debug: log, trace: log };
  var Buffer = makeBuffer(globalThis.atob, globalThis.btoa);
  var switchDevice = guardRealm([Buffer, Buffer.prototype, console]);
  var payloads = tagoioPayloads(stringify), buildPayload = payloads[0], encodePayload = payloads[1];

  function describe(error) {  // at most MAX_REASON_CHARS, whatever the script threw
    try {
      if (error instanceof ErrorCtor) {
        return bounded(bounded(StringCtor(error.name)) + ": " + bounded(StringCtor(error.message)));
      }
      return bounded("threw " + show(error));
    } catch (e) { return "threw a value that cannot be shown"; }
  }
  // Errors a script may catch (or throw itself: nothing tells them apart) that end its context all the same: out of
  // memory, stack overflow, and null (what QuickJS throws when it cannot even allocate the error).
  function isLimit(message) {
    return apply(indexOf, message, ["InternalError: out of memory"]) === 0 || message === "threw null" ||
      apply(indexOf, message, ["RangeError: Maximum call stack size exceeded"]) === 0;
  }
  function ts013(factory, job) {
    var input = job[1];
    if (input.recvTime) input.recvTime = new DateCtor(input.recvTime); else delete input.recvTime;
    var module = { exports: {} };
    var api = factory(Buffer, console, module, module.exports), exported = module.exports || {};
    var decodeUplink = api.decodeUplink || exported.decodeUplink;
    if (typeof decodeUplink === "function") return normalize(api, exported, decodeUplink(input));
    var decode = api.Decode || exported.Decode;
    if (typeof decode === "function") return ["Decode", decode(input.fPort, input.bytes, input.variables || {})];
    var decoder = api.Decoder || exported.Decoder;
    if (typeof decoder === "function") return ["Decoder", decoder(input.bytes, input.fPort)];
    throw new ErrorCtor("the script defines none of decodeUplink, Decode or Decoder");
  }
  // The Things Stack's Device Repository: normalizeUplink({data}) after a decode without errors, when defined; an
  // exception of its own is its error, not the decode's (the limits still end the call)
  function normalize(api, exported, decoded) {
    var normalizeUplink = api.normalizeUplink || exported.normalizeUplink;
    if (typeof normalizeUplink !== "function" || decoded === null || typeof decoded !== "object" ||
      (decoded.errors && decoded.errors.length)) return ["decodeUplink", decoded];
    var normalized;
    try { normalized = normalizeUplink({ data: decoded.data }); }
    catch (error) {
      var message = describe(error);
      if (isLimit(message)) throw error;
      normalized = { errors: ["threw " + message] };
    }
    return ["normalizeUplink", { decoded: decoded, normalized: normalized }];
  }
  function tagoio(factory, job, raw) {  // job: see tagoio.js
    var made = buildPayload(job), copy = raw === undefined ? undefined : buildPayload(raw)[0];
    return ["payload", factory(Buffer, console, made[0], job[1], copy), made[1]];
  }

  function batcher(kind, factory, copyInput) {
    var run = kind === "tagoio" ? tagoio : ts013, device = null, done = [], kept = 0, busy = false;
    freeze(factory);
    freeze(factory.prototype);  // a sloppy script reaches its wrapper through arguments.callee
    var prefixes = { decodeUplink: '["R","decodeUplink",', Decode: '["R","Decode",', Decoder: '["R","Decoder",',
      normalizeUplink: '["R","normalizeUplink",', payload: '["R","payload",' }, limitHit = null;
    function answer(job, raw, lineLength, maxChars) {  // the answer's JSON, or null when a limit ended the uplink
      var result, text, byIndex;
      try {
        result = run(factory, job, raw);
        byIndex = result[2] === undefined ? undefined : encodePayload(result[1], job, result[2], lineLength, maxChars);
        text = byIndex === undefined ? stringify(result[1]) : byIndex[2];
      } catch (error) {
        var message = describe(error);
        if (isLimit(message)) { limitHit = message; return null; }
        return wellFormed('["E",' + stringify(message) + "]");
      }
      if (text === undefined) text = "null";
      var length = byIndex === undefined ? text.length : byIndex[3];
      if (length > maxChars) return '["L",' + length + "]";
      if (byIndex !== undefined) return '["T",' + byIndex[0] + "," + stringify(byIndex[1]) + "," + wellFormed(text) + "]";
      return prefixes[result[0]] + wellFormed(text) + "]";
    }
    // The answers leave the context with the text (a warm context keeps none of them): a first line
    // {"stop": ..., "at": ...}, then the answers, separated by ",\n" (no JSON text holds a raw newline), so that the
    // Python side can read each on its own when the whole cannot be read (sandbox.py).
    function finish(stop, at) {
      var text = flat(['{"stop":', stringify(stop), ',"at":', at, "}\n", apply(join, done, [",\n"])]);
      done = [];
      busy = false;
      return text;
    }
    // Not re-entrant, and need not be: no object a script can reach leads here (realm.js fixes the hooks through
    // which the engine would hand a script its callers). Should one ever, the nested call does nothing.
    function decodeAll(jobsText, maxChars) {  // one job per line: each parsed only when its turn comes
      if (busy) throw new TypeErrorCtor("busy");
      busy = true;
      var jobs = apply(split, jobsText, ["\n"]);
      done = [];
      kept = 0;
      for (var i = 0; i < jobs.length; i++) {
        var job = parse(jobs[i]);
        if (job[0] !== device) {
          if (device !== null && !switchDevice()) return finish("realm", i);
          device = job[0];
        }
        if (logs.length) logs = [];
        var text = answer(job, copyInput ? parse(jobs[i]) : undefined, jobs[i].length, maxChars);
        if (text === null) return finish(limitHit, i);
        done[done.length] = text;
        kept += text.length;
        if (kept > MAX_KEPT_CHARS && i + 1 < jobs.length) return finish("full", i + 1);
      }
      return finish(null, jobs.length);
    }
    function takeDone() { return finish("interrupted", done.length); }
    return function (index) { return index ? takeDone : decodeAll; };
  }
  function takeLogs() { var taken = logs; logs = []; return wellFormed(stringify(taken)); }
  var parts = [batcher, takeLogs];
  return function (index) { return parts[index]; };  // Python reads one value per call
})
