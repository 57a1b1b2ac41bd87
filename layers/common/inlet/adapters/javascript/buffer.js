/*
 * Node's ``Buffer``, the subset TagoIO's parsers use, written in JavaScript for the sandbox.
 *
 * ``Buffer.from`` (hex, base64, utf8/latin1 text, arrays), ``alloc``, ``isBuffer``, ``concat``; ``read(U)Int8/16/32``
 * BE/LE, ``readFloat``/``readDouble`` BE/LE, ``read(U)IntBE/LE`` up to 6 bytes, ``toString`` (hex, base64, utf8,
 * latin1/binary/ascii), ``slice``/``subarray`` (views, as in Node) and ``toJSON``. A Buffer is a ``Uint8Array`` whose
 * prototype is ``Buffer.prototype``; reads outside the buffer throw a RangeError, as Node's do.
 */
function makeBuffer(atob, btoa) {
  "use strict";
  function Buffer(value, encoding) { return typeof value === "number" ? Buffer.alloc(value) : Buffer.from(value, encoding); }
  Buffer.prototype = Object.create(Uint8Array.prototype);
  Object.defineProperty(Buffer.prototype, "constructor", { value: Buffer, writable: true, configurable: true });
  function wrap(bytes) { Object.setPrototypeOf(bytes, Buffer.prototype); return bytes; }
  var NIBBLES = new Int8Array(128).fill(-1), c;  // a character code's value as a hex digit, -1 if it is none
  for (c = 0; c < 10; c++) NIBBLES[48 + c] = c;
  for (c = 0; c < 6; c++) { NIBBLES[65 + c] = 10 + c; NIBBLES[97 + c] = 10 + c; }
  function hexBytes(text) {  // a table, not a regular expression per pair: parsers call this on every uplink
    var count = text.length >> 1, out = new Uint8Array(count), i;
    for (i = 0; i < count; i++) {
      var high = text.charCodeAt(2 * i), low = text.charCodeAt(2 * i + 1);
      high = high < 128 ? NIBBLES[high] : -1;
      low = low < 128 ? NIBBLES[low] : -1;
      if (high < 0 || low < 0) break;  // Node stops at the first pair that is not hex
      out[i] = (high << 4) | low;
    }
    return i === count ? out : out.slice(0, i);
  }
  function base64Bytes(text) {
    var clean = String(text).replace(/-/g, "+").replace(/_/g, "/").replace(/[^A-Za-z0-9+/]/g, "");
    if (clean.length % 4 === 1) clean = clean.slice(0, -1);  // Node ignores a lone trailing character
    while (clean.length % 4) clean += "=";
    return latin1Bytes(atob(clean));
  }
  function latin1Bytes(text) { var out = []; for (var i = 0; i < text.length; i++) out.push(text.charCodeAt(i) & 255); return out; }
  function utf8Bytes(text) { return latin1Bytes(unescape(encodeURIComponent(text))); }
  function latin1Text(bytes, start, end) { var s = ""; for (var i = start; i < end; i++) s += String.fromCharCode(bytes[i]); return s; }
  Buffer.from = function (value, encoding) {
    if (typeof value === "string") {
      var enc = String(encoding || "utf8").toLowerCase();
      if (enc === "hex") return wrap(hexBytes(value));
      if (enc === "base64" || enc === "base64url") return wrap(new Uint8Array(base64Bytes(value)));
      if (enc === "latin1" || enc === "binary" || enc === "ascii") return wrap(new Uint8Array(latin1Bytes(value)));
      return wrap(new Uint8Array(utf8Bytes(value)));
    }
    if (value instanceof ArrayBuffer) return wrap(new Uint8Array(value.slice(0)));
    if (value && typeof value === "object" && value.type === "Buffer" && Array.isArray(value.data)) value = value.data;
    if (value && typeof value.length === "number") return wrap(new Uint8Array(Array.prototype.slice.call(value)));
    throw new TypeError("The first argument must be a string, Buffer, ArrayBuffer or array");
  };
  Buffer.alloc = function (size, fill) { var b = wrap(new Uint8Array(size)); if (fill) b.fill(fill); return b; };
  Buffer.isBuffer = function (value) { return value instanceof Buffer; };
  Buffer.byteLength = function (value, encoding) { return Buffer.from(value, encoding).length; };
  Buffer.concat = function (list) {
    var total = 0, i;
    for (i = 0; i < list.length; i++) total += list[i].length;
    var out = Buffer.alloc(total), at = 0;
    for (i = 0; i < list.length; i++) { out.set(list[i], at); at += list[i].length; }
    return out;
  };
  var P = Buffer.prototype;
  function view(buffer) { return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength); }
  function checked(buffer, offset, size) {
    offset = offset === undefined ? 0 : offset;
    if (offset !== (offset | 0) || offset < 0 || offset + size > buffer.length)
      throw new RangeError("The value of \"offset\" is out of range. It must be >= 0 and <= " + (buffer.length - size) + ". Received " + offset);
    return offset;
  }
  function reader(method, size, littleEndian) {  // floats: through a DataView
    return function (offset) { offset = checked(this, offset, size); return view(this)[method](offset, littleEndian); };
  }
  function integerReader(size, isSigned, littleEndian) {  // integers: from the bytes, no DataView made per read
    var half = Math.pow(2, 8 * size - 1);
    return function (offset) {
      offset = checked(this, offset, size);
      var value = 0, i;
      if (littleEndian) for (i = size - 1; i >= 0; i--) value = value * 256 + this[offset + i];
      else for (i = 0; i < size; i++) value = value * 256 + this[offset + i];
      return isSigned && value >= half ? value - 2 * half : value;
    };
  }
  var readers = { Int8: ["getInt8", 1], UInt8: ["getUint8", 1], Int16: ["getInt16", 2], UInt16: ["getUint16", 2],
    Int32: ["getInt32", 4], UInt32: ["getUint32", 4], Float: ["getFloat32", 4], Double: ["getFloat64", 8] };
  Object.keys(readers).forEach(function (name) {
    var method = readers[name][0], size = readers[name][1], integer = name !== "Float" && name !== "Double";
    function make(littleEndian) {
      return integer ? integerReader(size, name.indexOf("UInt") !== 0, littleEndian) : reader(method, size, littleEndian);
    }
    if (size === 1) { P["read" + name] = make(false); }
    else { P["read" + name + "BE"] = make(false); P["read" + name + "LE"] = make(true); }
    if (name.indexOf("UInt") === 0) {  // Node's lower-case aliases (readUint16BE...)
      var alias = "readUint" + name.slice(4);
      if (size === 1) P[alias] = P["read" + name]; else { P[alias + "BE"] = P["read" + name + "BE"]; P[alias + "LE"] = P["read" + name + "LE"]; }
    }
  });
  function readUnsigned(buffer, offset, length, littleEndian) {
    if (!(length >= 1 && length <= 6) || offset < 0 || offset + length > buffer.length) throw new RangeError("offset or byteLength out of range");
    var value = 0;
    for (var i = 0; i < length; i++) value = value * 256 + buffer[offset + (littleEndian ? length - 1 - i : i)];
    return value;
  }
  P.readUIntBE = function (offset, length) { return readUnsigned(this, offset, length, false); };
  P.readUIntLE = function (offset, length) { return readUnsigned(this, offset, length, true); };
  function signed(value, length) { var limit = Math.pow(2, 8 * length - 1); return value >= limit ? value - 2 * limit : value; }
  P.readIntBE = function (offset, length) { return signed(readUnsigned(this, offset, length, false), length); };
  P.readIntLE = function (offset, length) { return signed(readUnsigned(this, offset, length, true), length); };
  P.toString = function (encoding, start, end) {
    start = start === undefined ? 0 : Math.max(0, start | 0);
    end = end === undefined ? this.length : Math.min(this.length, end | 0);
    var enc = String(encoding || "utf8").toLowerCase(), out = "", i;
    if (enc === "hex") { for (i = start; i < end; i++) out += (this[i] < 16 ? "0" : "") + this[i].toString(16); return out; }
    var text = latin1Text(this, start, end);
    if (enc === "base64") return btoa(text);
    if (enc === "latin1" || enc === "binary") return text;
    if (enc === "ascii") return text.replace(/[\x80-\xff]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) & 127); });
    try { return decodeURIComponent(escape(text)); } catch (e) { return text; }
  };
  P.toJSON = function () { return { type: "Buffer", data: Array.prototype.slice.call(this) }; };
  P.equals = function (other) { if (this.length !== other.length) return false; for (var i = 0; i < this.length; i++) if (this[i] !== other[i]) return false; return true; };
  P.slice = P.subarray = function (start, end) { return wrap(Uint8Array.prototype.subarray.call(this, start, end)); };
  P.writeUInt8 = function (value, offset) { this[offset || 0] = value; return (offset || 0) + 1; };
  return Buffer;
}
