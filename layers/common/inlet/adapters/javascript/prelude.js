/*
 * The JavaScript side of a sandbox: console, the runners of both contracts, and the isolation check.
 *
 * Evaluated once per context, before any script, it defines nothing on ``globalThis``: a script sees ``Buffer``,
 * ``console`` (and for TagoIO ``payload``, ``device``, ``raw_payload``) as parameters of the function that wraps it.
 * Its functions reach Python only through the values the evaluation returns.
 *
 * Isolation. A script's own top-level variables are created afresh for every uplink (its wrapper runs again), so
 * they never carry anything to the next one. What outlives a call is the realm: ``globalThis`` and the built-in
 * objects. ``switchDevice`` runs before an uplink of another device than the previous one: it deletes the globals a
 * script created by assignment (sloppy code does ``i = 0``), and reports whether anything else differs from the
 * snapshot taken before any script ran: a global replaced, a property added to or removed from a built-in object,
 * its prototype, ``Buffer`` or ``console``, or a prototype changed. The Python side then throws the context away.
 * The check uses only functions captured here, never methods a script could have replaced. Not detected: an existing
 * property of a built-in object (not of ``globalThis``) given a new value, e.g. ``Array.prototype.map = ...``; that
 * context is still never shared with another tenant.
 */
(function (makeBuffer) {
  "use strict";
  var G = globalThis, stringify = JSON.stringify, parse = JSON.parse, ownKeys = Reflect.ownKeys;
  var getProto = Object.getPrototypeOf, describeProperty = Object.getOwnPropertyDescriptor;
  var deleteProperty = Reflect.deleteProperty, DateCtor = Date, ErrorCtor = Error, StringCtor = String;
  var MAX_LOGS = 100, MAX_LOG_CHARS = 1000, logs = [];

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
  var Buffer = makeBuffer(G.atob, G.btoa);

  // --- the snapshot: every object a script could keep something on, with its own keys and their values -----------
  var roots = [], snapshot = [];
  function isObject(value) { return value !== null && (typeof value === "object" || typeof value === "function"); }
  function addRoot(value) {
    if (!isObject(value)) return;
    for (var i = 0; i < roots.length; i++) if (roots[i] === value) return;
    roots[roots.length] = value;
  }
  var globalKeys = ownKeys(G);
  addRoot(G);
  for (var g = 0; g < globalKeys.length; g++) {
    var found = describeProperty(G, globalKeys[g]);
    if (found && isObject(found.value)) { addRoot(found.value); addRoot(found.value.prototype); }
  }
  [getProto(Int8Array), getProto(Int8Array.prototype), getProto([][Symbol.iterator]()), getProto(function* () {}),
   getProto(function* () {}).prototype, getProto(async function () {}), Buffer, Buffer.prototype, console]
    .forEach(addRoot);
  // globalThis is compared key by key and value by value; the other roots by their number of keys and prototype
  // (reading every property of every built-in costs milliseconds; counting them, tens of microseconds).
  var globalValues = [];
  for (var v = 0; v < globalKeys.length; v++) globalValues[v] = valueOf(G, globalKeys[v]);
  for (var r = 0; r < roots.length; r++) snapshot[r] = [ownKeys(roots[r]).length, getProto(roots[r])];
  function valueOf(object, key) { var d = describeProperty(object, key); return d.get || d.set || d.value; }
  function same(a, b) { return a === b || (a !== a && b !== b); }  // NaN is itself

  function removeNewGlobals() {
    var keys = ownKeys(G), i;
    if (keys.length === globalKeys.length) {
      for (i = 0; i < keys.length && keys[i] === globalKeys[i]; i++);
      if (i === keys.length) return true;
    }
    for (i = 0; i < keys.length; i++) {
      var known = false;
      for (var k = 0; k < globalKeys.length && !known; k++) known = globalKeys[k] === keys[i];
      if (!known && !deleteProperty(G, keys[i])) return false;
    }
    return ownKeys(G).length === globalKeys.length;
  }
  function globalsUnchanged() {
    for (var j = 0; j < globalKeys.length; j++) if (!same(valueOf(G, globalKeys[j]), globalValues[j])) return false;
    return true;
  }
  function rootsUnchanged() {
    for (var i = 0; i < roots.length; i++)
      if (ownKeys(roots[i]).length !== snapshot[i][0] || getProto(roots[i]) !== snapshot[i][1]) return false;
    return true;
  }
  function switchDevice() { return removeNewGlobals() && globalsUnchanged() && rootsUnchanged(); }

  // --- the runners ------------------------------------------------------------------------------------------------
  function describe(error) {
    try {
      if (error instanceof ErrorCtor) return StringCtor(error.name) + ": " + StringCtor(error.message);
      return "threw " + show(error);
    } catch (e) { return "threw a value that cannot be shown"; }
  }
  function answer(routine, value) {
    var text = stringify(value);
    // join builds a flat string: the Python binding cannot read QuickJS's concatenation ropes
    return ["R", routine, "\n", text === undefined ? "null" : text].join("");
  }
  function ts013(factory, inputText) {
    var input = parse(inputText);
    if (input.recvTime) input.recvTime = new DateCtor(input.recvTime); else delete input.recvTime;
    var module = { exports: {} };
    var api = factory(Buffer, console, module, module.exports), exported = module.exports || {};
    var decodeUplink = api.decodeUplink || exported.decodeUplink;
    if (typeof decodeUplink === "function") return answer("decodeUplink", decodeUplink(input));
    var decode = api.Decode || exported.Decode;
    if (typeof decode === "function") return answer("Decode", decode(input.fPort, input.bytes, input.variables || {}));
    var decoder = api.Decoder || exported.Decoder;
    if (typeof decoder === "function") return answer("Decoder", decoder(input.bytes, input.fPort));
    throw new ErrorCtor("the script defines none of decodeUplink, Decode or Decoder");
  }
  function tagoio(factory, inputText, deviceText) {
    return answer("payload", factory(Buffer, console, parse(inputText), parse(deviceText), parse(inputText)));
  }
  function runner(kind, factory) {
    var run = kind === "tagoio" ? tagoio : ts013;
    return function (inputText, deviceText) {
      logs = [];
      try { return run(factory, inputText, deviceText); } catch (error) { return ["E", describe(error)].join(""); }
    };
  }
  function takeLogs() { var taken = logs; logs = []; return stringify(taken); }
  var parts = [runner, switchDevice, takeLogs];
  return function (index) { return parts[index]; };  // Python reads one value per call
})
