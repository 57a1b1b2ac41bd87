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
  var join = Array.prototype.join, split = String.prototype.split;
  var DateCtor = Date, ErrorCtor = Error, StringCtor = String, freeze = Object.freeze;
  var MAX_LOGS = 100, MAX_LOG_CHARS = 1000, MAX_KEPT_CHARS = 1024 * 1024, logs = [];
  function flat(parts) { return apply(join, parts, [""]); }  // the Python binding cannot read concatenation ropes:
  // answers are concatenated, the text that goes to Python is joined

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

  function describe(error) {
    try {
      if (error instanceof ErrorCtor) return StringCtor(error.name) + ": " + StringCtor(error.message);
      return "threw " + show(error);
    } catch (e) { return "threw a value that cannot be shown"; }
  }
  function isLimit(message) {  // a script may catch these; they still end its context
    return message.indexOf("InternalError: out of memory") === 0 ||
      message.indexOf("RangeError: Maximum call stack size exceeded") === 0;
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
    var run = kind === "tagoio" ? tagoio : ts013, device = null, done = [], kept = 0;
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
        return '["E",' + stringify(message) + "]";
      }
      if (text === undefined) text = "null";
      var length = byIndex === undefined ? text.length : byIndex[3];
      if (length > maxChars) return '["L",' + length + "]";
      if (byIndex !== undefined) return '["T",' + byIndex[0] + "," + stringify(byIndex[1]) + "," + text + "]";
      return prefixes[result[0]] + text + "]";
    }
    function finish(stop, at) {  // the answers leave the context with the text: a warm context keeps none of them
      var text = flat(['{"stop":', stringify(stop), ',"at":', at, ',"answers":[', apply(join, done, [","]), "]}"]);
      done = [];
      return text;
    }
    function decodeAll(jobsText, maxChars) {  // one job per line: each parsed only when its turn comes
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
  function takeLogs() { var taken = logs; logs = []; return stringify(taken); }
  var parts = [batcher, takeLogs];
  return function (index) { return parts[index]; };  // Python reads one value per call
})
