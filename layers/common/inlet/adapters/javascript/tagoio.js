/*
 * TagoIO's ``payload`` in and out of the engine without parsing and stringifying every record.
 *
 * A TTS uplink is ~70 TagoIO records (its metadata), and a parser usually returns them all with a few of its own
 * (``payload.concat(decoded)``). Parsing them as JSON and stringifying them back cost ~300 µs an uplink. So the
 * plain records (``variable`` and a primitive ``value``, plus the uplink's ``group`` and ``time``, in that order)
 * come as two arrays, names and values, and are built here (``buildPayload``); the others come whole. On the way
 * out, the records of the result that are built records, with their prototype, keys and values as they were built,
 * are sent as runs of input indexes instead of their JSON (``encodePayload``); Python has them already.
 */
function tagoioPayloads(stringify) {
  "use strict";
  var keysOf = Object.keys, getProto = Object.getPrototypeOf, ObjectProto = Object.prototype, isArray = Array.isArray;
  var create = Object.create, StringCtor = String, apply = Reflect.apply, arraySlice = Array.prototype.slice;
  function slice(array) { return apply(arraySlice, array, []); }  // a script may replace Array.prototype.slice

  // job: [device, device info, group, time, names, values, [[index, record], ...]]; group and time may be null;
  // names null: the input is the last item, whatever it is
  function buildPayload(job) {
    var group = job[2], time = job[3], names = job[4], values = job[5], extras = job[6];
    if (names === null) return [extras, []];
    var count = names.length, built = new Array(count), i;
    if (group === null) for (i = 0; i < count; i++) built[i] = { variable: names[i], value: values[i] };
    else for (i = 0; i < count; i++) built[i] = { variable: names[i], value: values[i], group: group, time: time };
    var payload = slice(built);
    for (i = 0; i < extras.length; i++) { payload[extras[i][0]] = extras[i][1]; built[extras[i][0]] = null; }
    return [payload, built];
  }
  function lookUp(record, built, job, state) {  // where a record is among the built ones, by its name, or -1
    if (state.byName === null) {  // made on the first miss only: parsers mostly keep the input's order
      state.byName = create(null);
      for (var k = built.length - 1; k >= 0; k--) if (built[k] !== null) state.byName[job[4][k]] = k;
    }
    var name = record.variable, index = typeof name === "string" ? state.byName[name] : undefined;
    return index !== undefined && built[index] === record ? index : -1;
  }
  // The result as [n, runs, others, length]: runs [position, input index, count] of input records as they were
  // built (prototype, keys, values), others [position, record, ...] for the rest, length an upper bound of the
  // result's JSON (exact when it passes maxChars); undefined when nothing goes by index. Written inline: this loop
  // runs for every record of every uplink.
  function encodePayload(result, job, built, lineLength, maxChars) {
    if (!isArray(result) || !built.length) return undefined;
    var group = job[2], time = job[3], names = job[4], values = job[5], size = group === null ? 2 : 4;
    var runs = [], others = [], refs = 0, shift = 0, state = { byName: null }, count = result.length;
    var runAt = 0, runFrom = 0, runLength = 0;  // the run being extended
    for (var i = 0; i < count; i++) {
      var record = result[i], index = i + shift;
      if (built[index] !== record || record == null) {  // not where the previous one leads: looked up, if it can be
        // a built record (the parser's own records seldom have the uplink's group and time: no lookup for them)
        index = record !== null && typeof record === "object" && (size === 2 || (record.time === time &&
          record.group === group)) ? lookUp(record, built, job, state) : -1;
      }
      if (index < 0 || record.value !== values[index] || record.variable !== names[index] ||
          (size === 4 && (record.group !== group || record.time !== time)) || getProto(record) !== ObjectProto ||
          "toJSON" in record || keysOf(record).length !== size) {
        others[others.length] = i;
        others[others.length] = record;
        continue;
      }
      built[index] = null;  // the same record again further on: its JSON then
      refs++;
      if (runLength && runAt + runLength === i && runFrom + runLength === index) runLength++;
      else {
        if (runLength) runs[runs.length] = [runAt, runFrom, runLength];
        runAt = i; runFrom = index; runLength = 1;
      }
      shift = index - i;
    }
    if (runLength) runs[runs.length] = [runAt, runFrom, runLength];
    if (!refs) return undefined;
    var text = stringify(others);  // each record by index: its keys, group and time at most, and a comma
    var each = 1 + (group === null ? 22 : 39 + 6 * group.length + 2 + 6 * time.length + 2);  // \uXXXX at most
    var length = 2 + text.length + refs * each + lineLength;  // names and values are in the line, each once
    if (length > maxChars) length = exactLength(result.length, runs, text, others, job);
    return [result.length, runs, text, length];
  }
  function exactLength(count, runs, text, others, job) {  // "[", the records and their commas, "]"
    var length = 2 + (count ? count - 1 : 0), group = job[2], pairs = others.length / 2;
    if (pairs) length += text.length - 2 - (2 * pairs - 1);  // others' JSON is [position, record, ...]
    for (var o = 0; o < others.length; o += 2) length -= StringCtor(others[o]).length;
    for (var r = 0; r < runs.length; r++) {
      for (var index = runs[r][1]; index < runs[r][1] + runs[r][2]; index++) {
        length += stringify(job[4][index]).length + stringify(job[5][index]).length;
        length += group === null ? 22 : 39 + stringify(group).length + stringify(job[3]).length;
      }
    }
    return length;
  }
  return [buildPayload, encodePayload];
}
