"""Generated items as a model would return them: good ones with distinct stems, and helpers."""

import copy


def _single(stem, answer, wrong, *, difficulty=2, ref="https://www.rfc-editor.org/rfc/rfc9293"):
    choices = [{"text": answer, "correct": True, "explanation": f"{answer} is right for this case.", "match": ""}]
    choices += [{"text": w, "correct": False, "explanation": f"{w} does not fit this case.", "match": ""} for w in wrong]
    return {
        "type": "single", "choose": 1, "difficulty": difficulty, "stem": stem,
        "explanation": f"The answer is {answer}; the reference explains why.", "reference_url": ref,
        "tags": ["generated"], "choices": choices,
    }


GOOD = [
    _single("Which transport protocol does SSH use by default?", "TCP", ["UDP", "ICMP", "SCTP"]),
    _single("A firewall must allow secure web browsing only. Which port should it open?", "443", ["80", "21", "25"]),
    _single("Which record type maps a hostname to an IPv6 address in DNS?", "AAAA", ["A", "MX", "PTR"], difficulty=3),
    _single("What does the DHCP server send in reply to a DHCPDISCOVER message?", "DHCPOFFER",
            ["DHCPACK", "DHCPREQUEST", "DHCPNAK"], difficulty=3),
    _single("An engineer needs to encrypt data at rest on laptops. Which control fits best?", "Full-disk encryption",
            ["Port security", "Network segmentation", "Load balancing"], difficulty=2),
    {
        "type": "multiple", "choose": 2, "difficulty": 3,
        "stem": "Which two protocols provide encrypted remote administration? (Choose two.)",
        "explanation": "SSH and HTTPS encrypt the session; Telnet, FTP and TFTP send data in clear text.",
        "reference_url": "https://www.rfc-editor.org/rfc/rfc4253", "tags": ["remote-access"],
        "choices": [
            {"text": "SSH", "correct": True, "explanation": "SSH encrypts the whole session.", "match": ""},
            {"text": "HTTPS", "correct": True, "explanation": "HTTPS wraps the web console in TLS.", "match": ""},
            {"text": "Telnet", "correct": False, "explanation": "Telnet sends everything in clear text.", "match": ""},
            {"text": "FTP", "correct": False, "explanation": "FTP sends credentials in clear text.", "match": ""},
            {"text": "TFTP", "correct": False, "explanation": "TFTP has no authentication or encryption.", "match": ""},
        ],
    },
    {
        "type": "truefalse", "choose": 1, "difficulty": 1,
        "stem": "A /24 IPv4 network has 254 usable host addresses.",
        "explanation": "256 addresses minus the network and broadcast addresses leaves 254 hosts.",
        "reference_url": "https://www.rfc-editor.org/rfc/rfc950", "tags": ["subnetting"],
        "choices": [
            {"text": "True", "correct": True, "explanation": "2^8 - 2 = 254 usable addresses.", "match": ""},
            {"text": "False", "correct": False, "explanation": "Only two of the 256 addresses are reserved.", "match": ""},
        ],
    },
    {
        "type": "ordering", "choose": 1, "difficulty": 4,
        "stem": "Place the steps of the incident response process in order, first to last.",
        "explanation": "NIST orders incident handling as preparation, detection, containment, then recovery.",
        "reference_url": "https://csrc.nist.gov/pubs/sp/800/61/r2/final", "tags": ["incident-response"],
        "choices": [
            {"text": "Preparation", "correct": True, "explanation": "Plans and tools come first.", "match": ""},
            {"text": "Detection and analysis", "correct": True, "explanation": "An incident must be noticed.", "match": ""},
            {"text": "Containment and eradication", "correct": True, "explanation": "Then it is stopped.", "match": ""},
            {"text": "Post-incident recovery", "correct": True, "explanation": "Recovery closes the cycle.", "match": ""},
        ],
    },
    {
        "type": "matching", "choose": 1, "difficulty": 2,
        "stem": "Match each well-known port to the service that listens on it.",
        "explanation": "IANA assigns these well-known ports to these services.",
        "reference_url": "https://www.iana.org/assignments/service-names-port-numbers", "tags": ["ports"],
        "choices": [
            {"text": "22", "correct": True, "explanation": "SSH listens on TCP 22.", "match": "SSH"},
            {"text": "53", "correct": True, "explanation": "DNS listens on port 53.", "match": "DNS"},
            {"text": "3389", "correct": True, "explanation": "RDP listens on TCP 3389.", "match": "RDP"},
        ],
    },
    _single("Which wireless security protocol uses SAE for its handshake?", "WPA3", ["WEP", "WPA", "WPS"], difficulty=4),
    _single("Which command shows the path packets take to a remote host on Windows?", "tracert",
            ["ipconfig", "netstat", "arp"], difficulty=1),
    _single("During a phishing campaign, users receive texts with malicious links. What is this called?", "Smishing",
            ["Vishing", "Whaling", "Pharming"], difficulty=2),
]


def good(n: int) -> list[dict]:
    """The first n good items (n <= 12), fresh copies."""
    return copy.deepcopy(GOOD[:n])


def batch(*items: dict) -> dict:
    return {"questions": list(items)}


def with_changes(item: dict, **changes) -> dict:
    changed = copy.deepcopy(item)
    changed.update(changes)
    return changed


def numbered(n: int) -> dict:
    """A good single-choice item of its own: the stems of two numbers share too few words to be near-duplicates."""
    tag = f"q{n}k"
    return _single(f"Asset {tag}1 faces threat {tag}2 in zone {tag}3: which control fits {tag}4?", f"Control {n}",
                   [f"Decoy {n} one", f"Decoy {n} two", f"Decoy {n} three"])
