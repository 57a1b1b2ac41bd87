"""template.yaml as CloudFormation receives it, for each parameter combination that deploys differently; cfn-lint on it.

What ``sam build`` + ``sam package`` give the transform is emulated offline: every ``CodeUri`` / ``ContentUri`` that is
a local folder becomes ``s3://<bucket>/<content hash>`` (``sam package`` names each uploaded artifact by the MD5 of its
zip, so the key changes exactly when the folder's content does). The transform is ``aws-sam-translator``'s, as
``sam deploy`` runs it (no AWS call). ``COMBINATIONS`` is the list every transformed-template check runs over: a new
parameter that changes what gets deployed adds its combination here.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import shlex
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGION = "us-east-1"
BUCKET = "inlet-artifacts"
logging.getLogger("samtranslator").setLevel(logging.ERROR)  # feature-toggle notices

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0e3a5f0c-1111-2222-3333-444455556666"
DOMAIN = {"DomainName": "uplink.example.com", "CertificateArn": CERTIFICATE, "HostedZoneId": "Z0123456789ABC"}
EDGE = {"EdgeProtection": "Enabled"}


def samconfig_parameters(env: str) -> dict[str, str]:
    """``parameter_overrides`` of ``[env.deploy.parameters]`` in samconfig.toml (``sam deploy --config-env env``)."""
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    overrides = config[env]["deploy"]["parameters"].get("parameter_overrides", "")
    return dict(item.split("=", 1) for item in shlex.split(overrides))


def _prod() -> dict[str, str]:
    return {**samconfig_parameters("prod"), "AlarmEmail": "ops@example.com"}


# Each combination: the parameters `sam deploy` passes (the rest keep their defaults).
COMBINATIONS: dict[str, dict[str, str]] = {
    "default": {},
    "custom domain": dict(DOMAIN),
    "edge front": dict(EDGE),
    "edge front and custom domain": {**EDGE, **DOMAIN},
    "prod from samconfig.toml": _prod(),
    "prod with every option": {
        **_prod(), **EDGE, **DOMAIN, "Tracing": "Active", "UplinkReservedConcurrency": "200", "RetentionDays": "365",
        "DeploymentType": "Linear10PercentEvery1Minute",
    },
    "tracing": {"Tracing": "Active"},
    "data lake": {"DataLake": "Enabled", "LakeBytesScannedLimit": "1073741824", "LakeColdAfterDays": "60"},
}  # fmt: skip


def load(path: Path = ROOT / "template.yaml") -> dict:
    """template.yaml parsed as the SAM CLI parses it (short-form tags as ``Fn::`` / ``Ref`` mappings)."""
    from samtranslator.yaml_helper import yaml_parse

    return yaml_parse(path.read_text())


def content_hash(folder: Path) -> str:
    """A digest of every file of ``folder`` (names and bytes); caches of the interpreter left out."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def packaged(template: dict, root: Path = ROOT) -> dict:
    """``template`` with each local code folder replaced by the artifact ``sam package`` uploads (key: its content)."""
    template = copy.deepcopy(template)
    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties", {})
        for name in ("CodeUri", "ContentUri"):
            if isinstance(props.get(name), str) and not props[name].startswith("s3://"):
                props[name] = f"s3://{BUCKET}/{content_hash(root / props[name])}"
    return template


def transform(parameters: dict[str, str] | None = None, template: dict | None = None, root: Path = ROOT) -> dict:
    """The CloudFormation template ``sam deploy`` sends for ``parameters``, conditions left to CloudFormation.

    The parameters' defaults in the result are the given values, so that cfn-lint reads them as they will be.
    """
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    source = packaged(template if template is not None else load(root / "template.yaml"), root)
    declared = source.get("Parameters", {})
    unknown = set(parameters or {}) - set(declared)
    if unknown:
        raise KeyError(f"not parameters of the template: {sorted(unknown)}")
    # CloudFormation runs the transform with every parameter's value as a string, defaults included.
    values = {name: str(p["Default"]) for name, p in declared.items() if "Default" in p}
    values.update({name: str(value) for name, value in (parameters or {}).items()})
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=REGION))
    output = translator.translate(source, parameter_values=dict(values), get_managed_policy_map=dict)
    for name, value in (parameters or {}).items():
        number = output["Parameters"][name].get("Type") == "Number"
        output["Parameters"][name]["Default"] = int(value) if number and value.isdigit() else value
    return output


def cfn_lint_command() -> list[str]:
    """cfn-lint of this interpreter's environment (``.[dev]``), else the SAM CLI's (``.venv-sam``)."""
    for candidate in (Path(sys.executable).parent / "cfn-lint", ROOT / ".venv-sam/bin/cfn-lint"):
        if candidate.exists():
            return [str(candidate)]
    raise FileNotFoundError("cfn-lint not found: `make dev-venv` installs it (.[dev])")


def lint(templates: dict[str, dict]) -> dict[str, list[dict]]:
    """cfn-lint on every template in one process: ``{name: [{"Rule": "E3004", "Level": "Error", ...}, ...]}``."""
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for index, (name, template) in enumerate(templates.items()):
            files[name] = Path(folder) / f"template-{index}.json"
            files[name].write_text(json.dumps(template))
        run = subprocess.run(
            [*cfn_lint_command(), "--format", "json", "--regions", REGION, "--", *map(str, files.values())],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if run.returncode & 1:  # its exit status is a bit mask: 2 errors, 4 warnings, 8 notes, 1 it failed itself
            raise RuntimeError(f"cfn-lint failed ({run.returncode}): {run.stderr[-2000:]}")
        matches = json.loads(run.stdout or "[]")
    by_file = {str(path): name for name, path in files.items()}
    found: dict[str, list[dict]] = {name: [] for name in templates}
    for match in matches:
        found[by_file[match["Filename"]]].append(
            {"Rule": match["Rule"]["Id"], "Level": match["Level"], "Message": match["Message"],
             "Path": "/".join(map(str, match["Location"]["Path"]))}
        )  # fmt: skip
    return found


def broken_rules(parameters: dict[str, str], template: dict | None = None) -> list[str]:
    """The ``AssertDescription`` of every template rule CloudFormation would refuse ``parameters`` with."""
    from tests.integration.sam_transform import Resolved

    template = template if template is not None else load()
    resolved = Resolved(template, parameters)
    return [
        assertion["AssertDescription"]
        for rule in template.get("Rules", {}).values()
        if "RuleCondition" not in rule or resolved.holds(rule["RuleCondition"])
        for assertion in rule["Assertions"]
        if not resolved.holds(assertion["Assert"])
    ]
