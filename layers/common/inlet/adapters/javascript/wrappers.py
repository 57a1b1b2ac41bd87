"""The source a script is wrapped in before it is compiled."""

# The script inside a function: its top-level declarations are local to one call, ``"use strict"`` at its top still
# applies, and the names the runner needs are returned. A TagoIO script may ``return`` early (TagoIO allows it).
TS013_WRAPPER = """(function (Buffer, console, module, exports) {
%s
;return {decodeUplink: typeof decodeUplink === "function" ? decodeUplink : undefined,
  Decode: typeof Decode === "function" ? Decode : undefined,
  Decoder: typeof Decoder === "function" ? Decoder : undefined,
  normalizeUplink: typeof normalizeUplink === "function" ? normalizeUplink : undefined};
})"""
TAGOIO_WRAPPER = """(function (Buffer, console, payload, device, raw_payload) {
(function () {
%s
}).call(undefined);
return payload;
})"""
