"""A change to a stored device (``inlet devices update``, ``devices import --update``, ``connectors remove
--force``): the fields it sets, applied to the device as stored. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from inlet_cli.device_params import MAX_PARAMS


@dataclass(frozen=True)
class DeviceChange:
    connector: str | None = None  # None: unchanged
    name: str | None = None
    payload_encoding: str | None = None  # "" goes back to what the network server sends
    set_params: dict[str, str] = field(default_factory=dict)
    unset_params: tuple[str, ...] = ()
    replace_params: bool = False  # the CSV's params column: ``set_params`` are all the device keeps

    def is_empty(self) -> bool:
        fields = (self.connector, self.name, self.payload_encoding)
        return (
            all(f is None for f in fields) and not self.set_params and not self.unset_params and not self.replace_params
        )

    def applied(self, device):
        """The device with the change; ValueError when the parameters would exceed their limit."""
        params = {} if self.replace_params else dict(device.params)
        params.update(self.set_params)
        for name in self.unset_params:
            params.pop(name, None)
        if len(params) > MAX_PARAMS:
            raise ValueError(f"{len(params)} parameters, the limit is {MAX_PARAMS}")
        changes = {"params": params}
        for name in ("connector", "name", "payload_encoding"):
            if (value := getattr(self, name)) is not None:
                changes[name] = value
        return replace(device, **changes)
