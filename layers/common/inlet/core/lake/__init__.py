"""The data lake's rows: one per accepted uplink or device event, in the columns of a versioned schema (pure)."""
