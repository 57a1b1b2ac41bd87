"""What each command does, in more words than its one-line ``help``: its ``--help`` description and the CLI
reference's paragraph (docs/cli.md is generated from the parser, so both read this). ``main.build_parser`` sets
it on every command that has no ``description`` of its own."""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    "inlet query": (
        "SQL over the data lake (docs/lake.md): on Athena with `--stack` (progress on stderr while it runs, the "
        "bytes scanned and their cost at the end), on DuckDB over `.inlet/lake/` with `--local`. The tables are "
        "`uplinks` and `device_events`, limited to `--tenant` (a convenience for the operator, whose credentials "
        "read every tenant: not a boundary). `--example NAME` runs a documented example, `--list-examples` prints "
        "them; `--format table|csv|json|jsonl`."
    ),
    "inlet lake backfill": (
        "Write the tenant's records already in the Records table (the uplinks and device events of every device "
        "with records, removed ones too: found by a paced Scan of the table's keys, whole table / 8 KB read units; "
        "`--since`/`--until`: received in that range) into the lake: one `inlet-backfill.parquet` per partition "
        "(table, tenant, day) without the ids the live path already delivered; resumable (an interrupted run "
        "starts again at the first device not done), a re-run adds no row; a progress bar on stderr."
    ),
    "inlet keys create": ("Create a key; printed once (stdout; `--json`: `key`, `id`, …), never again."),
    "inlet keys list": (
        "Id, tenant, name, mapping, created, revoked (never the key); `--json` adds `log_until` (see `inlet keys log`)."
    ),
    "inlet keys log": (
        "Log the key's requests (the request log that `inlet inspect` shows) for `--for` (`90s`, `15m`, `2h`; "
        "default 15m, at most 24h), or stop now; a revoked key is never changed."
    ),
    "inlet keys revoke": (
        "Revoke; warm functions stop accepting it within `KEY_CACHE_SECONDS` (60 s), the local stack at once; "
        "given a key instead of its id, prints the id to use, never the key."
    ),
    "inlet devices add": (
        "Add devices (`--param`: the payload parser's `device.params`) (serials upper-cased; existing ones "
        "unchanged); the connector must parse and, when the target has a connectors table, exist (the CSV "
        "column of `import` too: an invalid row otherwise); a warm function sent the serial in the last "
        "`DEVICE_MISS_CACHE_SECONDS` (10 s) refuses it until then."
    ),
    "inlet devices list": (
        "The tenant's devices with, per device, when it was last seen, its uplinks of the last 24 h (`N+`: "
        "the count stopped at its bound, 4 MB of records) and the last uplink's RSSI (dBm) and SNR (dB) where "
        "its network server sends them (the strongest gateway); `--json` adds `last_seen`, `uplinks_24h`, "
        "`uplinks_24h_complete`, `rssi`, `snr`; `--no-health` reads no record (name, connector, payload "
        "encoding, created; see *Operations* for the read cost)."
    ),
    "inlet devices remove": (
        "Remove devices (their records stay; warm functions accept a removed one for up to "
        "`DEVICE_CACHE_SECONDS`, 300 s)."
    ),
    "inlet devices update": (
        "Change stored devices in place: `--connector` (checked to exist, as for `add`), `--param NAME=VALUE` "
        "(set), `--unset-param NAME`, `--name`, `--payload-encoding` (`lns`: back to what the network server "
        "sends); only what is given changes; a serial the tenant does not have is named and the command exits 1. "
        "Warm functions use a device as they cached it for up to `DEVICE_CACHE_SECONDS` (300 s), the local "
        "stack at once (`--json`: `updated`, `not_found`)."
    ),
    "inlet devices import": (
        "CSV `serial[,name,connector,payload_encoding,params]` (`params`: `NAME=VALUE;NAME=VALUE`), one "
        "device per line, with a progress bar; every line is reported with its number: added, skipped "
        "(duplicate, existing), invalid (the reason: serial rule, unterminated quote, extra values, encoding) "
        "or blank (`--json`: `lines`, `added`, `added_lines`, `skipped`, `invalid`, `blank_lines`); a bad "
        "quote never swallows the lines after it; exits 1 if any row was invalid. `--update`: a row of a "
        "device the tenant has updates it (the cells it fills replace the stored values, empty ones are kept; "
        "`updated` in the report) instead of being skipped."
    ),
    "inlet records": (
        "Latest uplinks, newest first (id, serial, group, time, received_at, port, payload, variables); "
        "`--json` prints an array; `--follow` prints new ones every second until Ctrl-C (one JSON object a "
        "line with `--json`); `--events` the device's events instead. "
        "With `--since`: the uplinks (or events) received from "
        "`--since` up to `--until` (default: now; the start included, the end not), oldest first; `--all`: "
        "every device of the tenant, one after the other in serial order. A time is ISO 8601 (`2026-11-25`, "
        "`2026-11-25T09:00:00Z`; UTC without an offset) or an age (`30s`, `30m`, `2h`, `7d`, `2w`). Streamed "
        "page by page from DynamoDB (constant memory, any size); with stdout going to a file or a pipe, a "
        "progress bar on stderr counts devices and records. `json`: one array (`--json` is the same), "
        "`jsonl`: one object a line, `csv`: "
        "`id,serial,group,received_at,time,port,payload,format,flags,variables` (`flags` joined by `;`, "
        "`variables` as JSON text; a text cell starting with `= + - @` gets a leading `'`, so that no "
        "spreadsheet runs it). `--limit` caps the count. Without `--since`/`--until`, `--all` gives each "
        "device's latest `--limit` (10)."
    ),
    "inlet connectors add": (
        "Store the next version (1, 2, …) of a connector, once its script compiles (see *Decoders*); a `.ts` "
        "file is transpiled here, once, and both texts are kept; the kind is told from the script (`--kind` is "
        "checked against it: a script defining none of `decodeUplink`/`Decoder`/`Decode` is not `ts013`, one that "
        "never reads `payload` is not `tagoio`); `--json`: `name`, `version`, `connector` (`NAME@VERSION`), "
        "`kind`, `created_at`, `bytes`, `language`."
    ),
    "inlet connectors list": (
        "The built-in connectors, then every stored one with its latest version (`--json`: an array of the "
        "same fields)."
    ),
    "inlet connectors show": (
        "One version (the latest by default): its facts and the list of versions on stderr, its file as added "
        "alone on stdout (a TypeScript connector's TypeScript; `--javascript`: the JavaScript it runs); `--json` "
        "adds `source` (the JavaScript), `typescript` (when added as TypeScript) and `versions`."
    ),
    "inlet connectors remove": (
        "Delete one version (`NAME@V`) or every version (`NAME`); refused, with the devices listed, while "
        "devices use it (naming that version, or following `NAME` when it is the latest); `--force` moves those "
        "devices to `generic-sensor` first (`--json`: `removed`, `moved`)."
    ),
    "inlet connectors diff": (
        "Decode the stored uplinks of `--since` (to `--until`) with both versions, writing nothing, and report "
        "the keys added, removed and changed with how many uplinks each affects and the first `--examples` "
        "uplinks that differ; the devices are `--devices`, or the tenant's devices using the connector; exits 1 "
        "when the outputs differ (`--json`: `uplinks`, `differing`, `keys`, `examples`)."
    ),
    "inlet connectors test": (
        "A TTN Device Repository codec description: its `uplinkDecoder.fileName` run on each of its "
        "`examples`, each reported pass or FAIL with every difference; exits 1 if any fails (`--json`: "
        "`passed`, `failed`, `examples` with `differences`, `expected`, `actual`); an example's "
        "`normalizedOutput` is compared with the codec's `normalizeUplink` output; the script may be `.ts`."
    ),
    "inlet decode": (
        "Run a decoder on one payload (no stack needed with `--file` or a built-in connector); prints the "
        "decoded value (`--json`: `data`, `warnings`, `errors` for `ts013` and `cayenne-lpp`, `payload` and "
        "`errors` for `tagoio`, plus `connector` and `logs`; `normalized` when a ts013 codec defines "
        "`normalizeUplink`); `--file` takes `.js` or `.ts`, its kind told from it unless `--kind`; exits 1 when "
        "decoding failed, with the reason."
    ),
    "inlet records redecode": (
        "Decode the stored uplinks of `--since` (to `--until`) again, with `--connector NAME@V` or each device's "
        "connector now, and write the result on the same records (no new record; the previous decoder summary "
        "kept as `decoder.previous`, see *Decoders*); a progress bar, a page of 100 records at a time, writes "
        "paced to half the table's write capacity (100 units/s on demand; `--max-wcu`), and a run stopped "
        "half-way goes on from its checkpoint when run again (`--restart`: from the start); `--dry-run` counts "
        "what would change and writes nothing (`--json`: the counts, `skipped`, `examples`); `--deliver` sends "
        "the records written to the tenant's destinations, marked `redecoded`, with new delivery ids."
    ),
    "inlet inspect": (
        "The inspector (see *The inspector*): switches the request log of the tenant's keys on, serves the "
        "live page on 127.0.0.1 (default port 8411, 0: any) and opens it; the log goes off when it stops."
    ),
    "inlet replay": (
        "TagoIO deliveries kept in the dead-letter queue, sending them again, and whether TagoIO keeps each "
        "device's groups (its delivery guarantee)."
    ),
    "inlet local": (
        "The local stack (`make run`: the endpoint on 127.0.0.1 over an in-process AWS emulator) and one invocation "
        "of the real handler with an event file (`make invoke`); see the Getting started page."
    ),
    "inlet replay list": (
        "The TagoIO deliveries kept in the dead-letter queue: id, serial, group, records and why each was kept."
    ),
    "inlet replay run": (
        "Send kept deliveries (`--all`, or the ids of `inlet replay list`) back to the delivery queue, once their "
        "cause is fixed; a delivery whose group has appeared in TagoIO meanwhile is not posted again."
    ),
    "inlet replay devices": (
        "Whether TagoIO keeps each device's groups (`keeps`, `regroups` or not checked yet), when that was found, "
        "and the delivery guarantee that follows (see the Destinations page)."
    ),
    "inlet local run": (
        "Serve POST /uplink on 127.0.0.1 ($INLET_PORT or 3000; --port 0: any free port) with an AWS emulator (moto) "
        "inside the process: the tables of template.yaml, the demo tenant and its devices, and a demo key in "
        ".inlet/demo-key (never printed). Ctrl-C stops it."
    ),
    "inlet local invoke": (
        "Run the real handler once on an API Gateway HTTP API (payload 2.0) event file and print its result alone "
        "on stdout (function logs on stderr): the Docker-free `sam local invoke -e`. With --local, against the "
        "running local stack instead of a throw-away emulator."
    ),
    "inlet local reset": (
        "Forget the local stack's data (.inlet/data/: keys, devices, connectors, records), so that its next start "
        "seeds the demo data and a new demo key; refused while the stack runs (`make run RESET=1` does both)."
    ),
    "inlet config show": (
        "The profile, tenant and target in effect and where each comes from (the command line, INLET_*, a "
        "profile, the config file, the running local stack), the config file's path and its profiles."
    ),
    "inlet config set": (
        "Remember a default in the config file: `tenant NAME`, `target local|stack:NAME|env`, or `profile NAME` "
        "(the profile used when neither --profile nor INLET_PROFILE names one). --in-profile NAME sets the "
        "tenant or target of that profile, creating it."
    ),
    "inlet config unset": ("Forget a default of the config file (or of a profile, with --in-profile)."),
    "inlet destinations add": (
        "Add a destination of the tenant: `webhook` (`--url`, `--header K:V`, `--timeout`, `--batch`), `eventbridge` "
        "(`--bus`; default the stack's bus), `iot` (`--topic`), `tagoio` (its keys forward to TagoIO); `--keys` and "
        "`--filter` narrow what it takes. A webhook's signing secret is printed once (`--json`: `secret`). Also "
        "creates its CloudWatch alarm `<stack>-destination-<tenant>-<name>` on failed deliveries, notifying the "
        "stack's AlarmTopic (`--json`: `alarm`; tagoio has the template's Delivery* alarms instead)."
    ),
    "inlet destinations alarm": (
        "Create (again) the destination's CloudWatch alarm on failed deliveries: for one added before alarms "
        "existed, or whose alarm was deleted by hand (`list` shows its state `missing`)."
    ),
    "inlet destinations list": (
        "The tenant's destinations (keys forwarding to TagoIO included) with their health: last success, last "
        "failure and its reason, deliveries and failures in the last 24 h, the age of the oldest undelivered uplink, "
        "and the state of its CloudWatch alarm."
    ),
    "inlet destinations show": (
        "One destination: its settings (header values hidden), whether each signing secret is current or valid "
        "until when, its health and its alarm's state."
    ),
    "inlet destinations remove": (
        "Remove a destination and its CloudWatch alarm; its queued deliveries go to the dead-letter queue "
        "(`destination_removed`), and the "
        "keys no destination takes any more stop flagging their records."
    ),
    "inlet destinations test": (
        "Send one sample uplink (`type` `test`) from here as the delivery function would, and print the answer; "
        "exit status 1 unless delivered."
    ),
    "inlet destinations rotate-secret": (
        "A new signing secret, printed once; the previous one keeps signing too for `--grace` hours (24)."
    ),
    "inlet destinations replay": (
        "Queue again the stored uplinks of `--since`/`--until` that the destination takes (the same delivery ids: "
        "receivers deduplicate), or with `--dead-letters` move its dead letters back to the queue."
    ),
}
