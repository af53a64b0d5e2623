"""A lab as stored with its question: its devices (each starting from its own configuration) and
its checks; how to start its terminals, and everything wrong with one, for a moderator.

    {
      "devices": [
        {"name": "R1", "platform": "router",
         "interfaces": ["GigabitEthernet0/0/0", "GigabitEthernet0/0/1"],   # optional: the platform's ports
         "cabled": ["g0/0/0"],                                               # optional: ports with a cable
         "config": "hostname R1\\ninterface g0/0/0\\n ip address 10.0.0.1 255.255.255.0\\n",
         "task": "Give G0/0/1 the first address of 192.168.10.0/24 and bring it up."}  # optional
      ],
      "checks": [{"device": "R1", "kind": "interface", "name": "g0/0/1", "ip": "192.168.10.1/24",
                  "shutdown": false, "points": 1, "says": "G0/0/1 has 192.168.10.1/24 and is up"}]
    }

Platforms: "router" (ports GigabitEthernet0/0/0-2 by default, shut until `no shutdown`) and
"switch" (a layer-2 access switch: GigabitEthernet1/0/1-24 and Vlan1 by default; it does not
route, so `ip route` and `router ospf` are not there, as on a real one). The config is a running
configuration: `!` lines, `end`, `version` and the `Building configuration...` header are skipped,
and every other line goes through the same interpreter as the learner's.
"""

from __future__ import annotations

import re

from exams.question_types.ios.checks import check_errors, grade
from exams.question_types.ios.device import PLATFORMS, SWITCH, VIRTUAL_TYPES, Device, canonical_interface, type_of
from exams.question_types.ios.session import Session

LAB_FIELDS = {"devices", "checks"}
DEVICE_FIELDS = {"name", "platform", "interfaces", "cabled", "config", "task"}
MAX_DEVICES = 6
MAX_CHECKS = 60
MAX_CONFIG = 20_000  # characters of one device's starting configuration


def start_session(spec: dict) -> tuple[Session, list[str]]:
    """A terminal on one of the lab's devices in its starting state, and the lines of its
    configuration the interpreter refused."""
    platform = spec.get("platform", "router")
    names = spec.get("interfaces")
    ports = [canonical_interface(n) for n in names] if names is not None else None
    if ports is not None and platform == SWITCH and "Vlan1" not in ports:
        ports.append("Vlan1")
    cabled = [canonical_interface(n) for n in spec.get("cabled", [])]
    session = Session(Device.new(platform, ports, cabled))
    return session, session.load_config(spec.get("config", ""))


def lab_sessions(lab: dict) -> dict[str, Session]:
    """A fresh terminal per device, by the lab's device name (the Reset button's state)."""
    return {spec["name"]: start_session(spec)[0] for spec in lab["devices"]}


def lab_errors(lab) -> list[str]:
    """Everything wrong with a lab, as sentences a moderator can act on; empty when it is good."""
    if not isinstance(lab, dict):
        return ["The lab must be an object with 'devices' and 'checks'."]
    errors = [f"The lab has a field it does not use: {name!r}." for name in sorted(set(lab) - LAB_FIELDS)]
    devices, checks = lab.get("devices"), lab.get("checks")
    if not isinstance(devices, list) or not devices:
        return errors + ["The lab needs a list of 'devices' with at least one device."]
    if len(devices) > MAX_DEVICES:
        errors.append(f"The lab has {len(devices)} devices; at most {MAX_DEVICES} are allowed.")
    if not isinstance(checks, list) or not checks:
        errors.append("The lab needs a list of 'checks' with at least one check.")
        checks = []
    elif len(checks) > MAX_CHECKS:
        errors.append(f"The lab has {len(checks)} checks; at most {MAX_CHECKS} are allowed.")
    names: list[str] = []
    started: dict[str, Device] = {}
    for n, spec in enumerate(devices, 1):
        problems = device_errors(spec, names)
        label = spec.get("name") if isinstance(spec, dict) and isinstance(spec.get("name"), str) else f"Device {n}"
        errors += [f"{label}: {p}" for p in problems]
        if isinstance(spec, dict) and isinstance(spec.get("name"), str):
            names.append(spec["name"])
        if problems:
            continue
        session, refused = start_session(spec)
        errors += [f"{label}, starting configuration: {p}" for p in refused]
        if re.search(r"^\s*(enable secret|username \S+ (privilege \d+ )?secret) [589] ", spec.get("config", ""),
                     re.MULTILINE):
            errors.append(f"{label}: a secret in the starting configuration is given as a hash, so no learner can "
                          "type it; give it in clear text (enable secret WORD).")
        started[spec["name"]] = session.device
    for n, check in enumerate(checks, 1):
        errors += [f"Check {n}: {p}" for p in check_errors(check, names)]
        if isinstance(check, dict) and not check_errors(check, names):
            errors += [f"Check {n}: {p}" for p in check_port_errors(check, started)]
    if checks and len(started) == len(devices) and not errors and all(r.passed for r in grade(started, checks)):
        errors.append("Every check already passes on the starting configuration: there is nothing to do.")
    return errors


def device_errors(spec, taken: list[str]) -> list[str]:
    if not isinstance(spec, dict):
        return ["is not an object."]
    errors = [f"has a field it does not use: {name!r}." for name in sorted(set(spec) - DEVICE_FIELDS)]
    name = spec.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,19}", name):
        errors.append("needs a 'name' of letters, digits and hyphens (up to 20), starting with a letter.")
    elif name in taken:
        errors.append("has the same name as another device.")
    if spec.get("platform", "router") not in PLATFORMS:
        errors.append(f"has an unknown platform {spec.get('platform')!r}; use 'router' or 'switch'.")
    config = spec.get("config", "")
    if not isinstance(config, str):
        errors.append("needs its 'config' as text (the running configuration, one command a line).")
    elif len(config) > MAX_CONFIG:
        errors.append(f"has a starting configuration over {MAX_CONFIG} characters.")
    if "task" in spec and not isinstance(spec["task"], str):
        errors.append("needs its 'task' as text.")
    ports = spec.get("interfaces")
    if ports is not None:
        if not isinstance(ports, list) or not ports or not all(isinstance(p, str) for p in ports):
            errors.append("needs 'interfaces' as a list of port names.")
            ports = None
        else:
            canonical = [canonical_interface(p) for p in ports]
            for given, name_ in zip(ports, canonical, strict=True):
                if name_ is None or type_of(name_) in VIRTUAL_TYPES or "." in name_:
                    errors.append(f"lists {given!r}, which is not a physical port name (e.g. GigabitEthernet0/0/0).")
            if len(set(canonical)) != len(canonical):
                errors.append("lists a port twice.")
    cabled = spec.get("cabled", [])
    if not isinstance(cabled, list) or not all(isinstance(p, str) for p in cabled):
        errors.append("needs 'cabled' as a list of port names.")
    else:
        platform = spec.get("platform", "router") if spec.get("platform", "router") in PLATFORMS else "router"
        known = ({canonical_interface(p) for p in ports} if ports is not None
                 else {i.name for i in Device.new(platform).interfaces})
        for port in cabled:
            if canonical_interface(port) not in known:
                errors.append(f"has a cable on {port!r}, which is not one of its ports.")
    return errors


def check_port_errors(check: dict, devices: dict[str, Device]) -> list[str]:
    """A check about a physical port the device does not have can never pass."""
    device = devices.get(check.get("device") or next(iter(devices), ""))
    if device is None:
        return []
    errors = []
    for key in ("name", "interface", "inside_interface", "outside_interface"):
        if key not in check or (key == "name" and check.get("kind") != "interface"):
            continue
        name = canonical_interface(check[key])
        virtual = type_of(name) in VIRTUAL_TYPES or "." in name
        if not virtual and device.interface(name) is None:
            errors.append(f"names {check[key]!r}, a port the device does not have.")
    return errors
