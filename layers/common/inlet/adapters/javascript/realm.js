/*
 * What a script could keep from one uplink to the next, put back as it was whenever the device changes.
 *
 * A script's own top-level variables are created afresh for every uplink (its wrapper runs again). What outlives a
 * call is the realm: ``globalThis`` and the objects reachable from it. ``guardRealm`` runs once per context, before
 * any script, and returns ``switchDevice``, run before an uplink of another device than the previous one. It puts
 * the realm back as it was: deletes the globals a script created (sloppy code does ``i = 0``) and what it added to a
 * built-in object, puts a prototype back; and reports whether that could not be done or a global holds another
 * value: then the Python side throws the context away. Comparing every object with a snapshot costs ~300 µs, so the
 * realm is first made such that a cheap comparison is enough:
 * - The roots (the objects scripts extend: the global object, the values of its properties and their prototypes,
 *   the intrinsics only instances lead to, ``Buffer``, ``Buffer.prototype``, ``console``) stay extensible (older
 *   parsers add ``Uint8Array.prototype.readUInt16BE``), but their original properties can no longer be deleted,
 *   redefined or, but for the global object's (compared on every device change), given another value: an assignment
 *   such as ``Array.prototype.map = ...`` changes nothing (a TypeError in strict code). A property added by
 *   assignment is enumerable, so counting each root's enumerable keys, string and symbol (none of the first, a few of
 *   the second, before any script) detects it. The only ways to add a non-enumerable property
 *   (``Object.defineProperty``, ``defineProperties``, ``Reflect.defineProperty``, ``Error.captureStackTrace``), to
 *   make an object non-extensible (``preventExtensions``, ``seal``, ``freeze``) and to change a prototype
 *   (``Object.setPrototypeOf``, ``Reflect.setPrototypeOf``, the ``__proto__`` setter) are wrapped: after a call to
 *   one of them the next check counts every key and compares each root's prototype and extensibility.
 * - Everything else reachable from them (built-in methods and accessors, their ``prototype`` objects, nested
 *   objects such as ``Array.prototype[Symbol.unscopables]``, and what those lead to) is frozen: nothing to keep
 *   state in, nothing a check must walk.
 * - An accessor with a setter on a constructor keeps a value for the whole realm, and the engine itself reads it
 *   (``Error.prepareStackTrace``, which QuickJS calls whenever an Error is created, swallowing the time limit's
 *   interrupt inside it; ``Error.stackTraceLimit``): each becomes a read-only data property holding its value, so
 *   the engine never calls a script from inside itself and a script never sees its callers (call sites).
 * - Symbol-keyed properties are counted too (an assignment can add one), and ``performance`` gives Date's clock
 *   (no host timing finer than a millisecond, no time the process started).
 * Promise jobs a script leaves are not run for it: the Python side drops a context that has any (sandbox.py).
 */
function guardRealm(extraRoots) {
  "use strict";
  var G = globalThis, ownKeys = Reflect.ownKeys, keysOf = Object.keys, getProto = Object.getPrototypeOf;
  var describe = Object.getOwnPropertyDescriptor, define = Object.defineProperty, apply = Reflect.apply;
  var describeAll = Object.getOwnPropertyDescriptors, defineAll = Object.defineProperties;
  var deleteProperty = Reflect.deleteProperty, freeze = Object.freeze, SetCtor = Set, dirty = false;
  var symbolsOf = Object.getOwnPropertySymbols;
  var setProto = Reflect.setPrototypeOf, isExtensible = Object.isExtensible, create = Object.create;

  function isObject(value) { return value !== null && (typeof value === "object" || typeof value === "function"); }
  function intrinsics() {  // objects no global names, reached through instances only
    var generator = getProto(function* () {}), asyncGenerator = getProto(async function* () {});
    var found = [getProto(Int8Array), getProto(Int8Array.prototype), getProto([][Symbol.iterator]()),
      getProto(""[Symbol.iterator]()), getProto(new Map()[Symbol.iterator]()), getProto(new Set()[Symbol.iterator]()),
      getProto("a".matchAll(/a/g)), generator, generator.prototype, asyncGenerator, asyncGenerator.prototype,
      getProto(asyncGenerator.prototype), getProto(async function () {})];
    if (typeof Iterator === "function" && Iterator.from) {  // iterator helpers (ES2025)
      found.push(getProto([].values().map(function (x) { return x; })));
      found.push(getProto(Iterator.from({ next: function () { return { done: true }; } })));
    }
    return found;
  }
  function markingDirty(object, name) {  // the same function, noting that it ran
    var original = object[name];
    var wrapped = { [name]: function () { dirty = true; return apply(original, this, arguments); } }[name];
    define(wrapped, "length", { value: original.length });
    object[name] = wrapped;
  }
  [[Object, "defineProperty"], [Object, "defineProperties"], [Reflect, "defineProperty"], [Error, "captureStackTrace"],
   [Object, "preventExtensions"], [Object, "seal"], [Object, "freeze"], [Reflect, "preventExtensions"],
   [Object, "setPrototypeOf"], [Reflect, "setPrototypeOf"]]
    .forEach(function (pair) { if (typeof pair[0][pair[1]] === "function") markingDirty(pair[0], pair[1]); });
  var protoAccessor = describe(Object.prototype, "__proto__");  // the third way to change a prototype
  if (protoAccessor && protoAccessor.set) {
    var setProtoOf = protoAccessor.set;
    protoAccessor.set = { ["set __proto__"]: function (value) { dirty = true; apply(setProtoOf, this, [value]); } }[
      "set __proto__"];
    define(Object.prototype, "__proto__", protoAccessor);
  }

  // A job that throws hands its exception to the host, and the binding turns it into text (its toString, its
  // ``stack``) after the call's time limit is lifted, holding Python's lock: a script's toString there never ends.
  // Promise jobs catch what their callbacks throw; the two other kinds of job that run a script's function
  // (queueMicrotask's, a FinalizationRegistry's cleanup) are given a function that catches all it throws.
  function catching(callback) {
    if (typeof callback !== "function") throw new TypeError("the callback is not a function");
    return function () { try { apply(callback, undefined, arguments); } catch (ignored) { /* see above */ } };
  }
  function catchInJobs() {
    var queue = G.queueMicrotask, Registry = G.FinalizationRegistry, construct = Reflect.construct;
    if (typeof queue === "function") {
      var queueMicrotask = { queueMicrotask: function (callback) { apply(queue, G, [catching(callback)]); } }
        .queueMicrotask;
      define(G, "queueMicrotask", { value: queueMicrotask, writable: true, enumerable: false, configurable: true });
    }
    if (typeof Registry !== "function") return;
    var SafeRegistry = function FinalizationRegistry(cleanup) {  // new.target: subclasses get their prototype
      if (new.target === undefined) throw new TypeError("Constructor FinalizationRegistry requires 'new'");
      return construct(Registry, [catching(cleanup)], new.target);
    };
    SafeRegistry.prototype = Registry.prototype;
    define(Registry.prototype, "constructor", { value: SafeRegistry, writable: true, configurable: true });
    define(G, "FinalizationRegistry", { value: SafeRegistry, writable: true, enumerable: false, configurable: true });
  }

  if (isObject(G.performance)) {  // no host clock finer than Date's, no time the process started
    var dateNow = Date.now;
    define(G, "performance", { value: { now: function now() { return dateNow(); }, timeOrigin: 0 }, writable: true,
      enumerable: describe(G, "performance").enumerable, configurable: true });
  }
  catchInJobs();
  var roots = [G].concat(intrinsics(), extraRoots);
  var globalKeys = ownKeys(G);
  for (var k = 0; k < globalKeys.length; k++) {
    var found = describe(G, globalKeys[k]);
    if (isObject(found.value)) roots.push(found.value, found.value.prototype);
  }
  roots = Array.from(new SetCtor(roots.filter(isObject)));
  var isRoot = new SetCtor(roots), frozen = new SetCtor(), pending = [];
  function freezeValue(value) {  // a method, an accessor, a nested object and all they lead to: read-only
    if (isObject(value) && !isRoot.has(value) && !frozen.has(value)) { frozen.add(value); pending.push(value); }
  }
  function holdsNoState(root, properties, key) {  // an accessor that keeps a value for the whole realm: fixed
    var property = properties[key];
    if (typeof root !== "function" || !property.set || property.set === property.get) return;  // not a thrower
    properties[key] = { value: apply(property.get, root, []), writable: false, enumerable: property.enumerable };
  }
  for (var r0 = 0; r0 < roots.length; r0++) {  // the roots made undeletable, what they hold frozen
    var root = roots[r0], properties = describeAll(root), keys = ownKeys(properties);
    for (var i = 0; i < keys.length; i++) {
      holdsNoState(root, properties, keys[i]);
      var property = properties[keys[i]];
      freezeValue(property.value);
      freezeValue(property.get);
      freezeValue(property.set);
      property.configurable = false;
      if (root !== G && "value" in property) property.writable = false;  // Array.prototype.map = ... changes nothing
    }
    defineAll(root, properties);
  }
  function isMethod(fn) {  // a function whose own properties are only length, name and perhaps prototype
    var keys = ownKeys(fn);
    for (var m = 0; m < keys.length; m++) {
      if (keys[m] !== "length" && keys[m] !== "name" && keys[m] !== "prototype") return false;
    }
    return true;
  }
  while (pending.length) {  // console.log.prototype, Array.prototype[Symbol.unscopables], ...: nothing to keep in
    var object = pending.pop();
    freezeValue(getProto(object));
    if (typeof object === "function" && isMethod(object)) {  // the common case, walked without describing it
      var prototype = describe(object, "prototype");
      if (prototype) freezeValue(prototype.value);
    } else {
      var held = describeAll(object), heldKeys = ownKeys(held);
      for (var h = 0; h < heldKeys.length; h++) {
        freezeValue(held[heldKeys[h]].value);
        freezeValue(held[heldKeys[h]].get);
        freezeValue(held[heldKeys[h]].set);
      }
    }
    freeze(object);
  }

  var known = Object.create(null), globalValues = [], counts = [], symbolCounts = [], allCounts = [], protos = [];
  var originals = [];
  for (var g = 0; g < globalKeys.length; g++) {
    known[globalKeys[g]] = true;
    globalValues[g] = G[globalKeys[g]];  // data properties that cannot become accessors: reading them runs no code
  }
  for (var r = 0; r < roots.length; r++) {
    var rootKeys = ownKeys(roots[r]);
    counts[r] = keysOf(roots[r]).length;
    symbolCounts[r] = symbolsOf(roots[r]).length;
    allCounts[r] = rootKeys.length;
    protos[r] = getProto(roots[r]);
    originals[r] = create(null);
    for (var o = 0; o < rootKeys.length; o++) originals[r][rootKeys[o]] = true;
  }
  function globalsUnchanged() {
    for (var j = 0; j < globalKeys.length; j++) {
      var value = G[globalKeys[j]], before = globalValues[j];
      if (value !== before && (value === value || before === before)) return false;  // NaN is itself
    }
    return true;
  }
  function restore(i) {  // what a script added to a root deleted (originals cannot be), its prototype put back
    var root = roots[i], keys = ownKeys(root), original = originals[i];
    for (var k = 0; k < keys.length; k++) if (original[keys[k]] !== true && !deleteProperty(root, keys[k])) return false;
    if (getProto(root) !== protos[i] && !setProto(root, protos[i])) return false;
    return isExtensible(root) && ownKeys(root).length === allCounts[i];
  }
  function rootsRestored() {  // uses no method a script could have replaced
    var countAll = dirty;
    for (var i = 0; i < roots.length; i++) {
      var root = roots[i];
      var changed = keysOf(root).length !== counts[i] || symbolsOf(root).length !== symbolCounts[i] ||
        (countAll && (getProto(root) !== protos[i] || ownKeys(root).length !== allCounts[i] || !isExtensible(root)));
      if (changed && !restore(i)) return false;
    }
    dirty = false;
    return true;
  }
  return function switchDevice() { return rootsRestored() && globalsUnchanged(); };
}
