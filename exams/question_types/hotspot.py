"""Hotspot: place labels (tokens) on the zones of a diagram, or, with one token, choose the spot.

The diagram is the question's exhibit image, or a drawing described in the data (boxes, circles,
lines and text, drawn as SVG by templates/questions/hotspot_input.jinja), or both. Every
coordinate is a fraction of the diagram's width or height (0 to 1), so zones stay on their spot
at any screen size. The learner drags tokens onto zones, or, with the keyboard or without
JavaScript, picks a token for each zone from a list.

simulation_data:
    {"width": 800, "height": 450,                     # the diagram's shape (its aspect ratio)
     "drawing": [{"shape": "rect", "x": .05, "y": .1, "w": .2, "h": .15, "label": "Internet"},
                 {"shape": "circle", "cx": .5, "cy": .5, "r": .06, "label": "R1"},
                 {"shape": "line", "points": [[.25, .17], [.45, .5]]},
                 {"shape": "text", "x": .5, "y": .95, "text": "VLAN 10"}],
     "zones": [{"id": "z1", "label": "Between the Internet and the web tier", "shape": "rect", "coords": [x, y, w, h]},
               {"id": "z2", "shape": "circle", "coords": [cx, cy, r]},
               {"id": "z3", "shape": "polygon", "coords": [[x, y], [x, y], [x, y]]}],
     "tokens": [{"id": "t1", "label": "WAF", "reuse": false}, ...],
     "key": {"z1": "t1", ...},                       # zone → the token that belongs there; other zones stay empty
     "explanations": {"t1": "Why the WAF goes there."}}

Graded per token: a token is right when it sits on exactly the zones the key gives it (none, for
a token that belongs nowhere but was placed); partial credit is the share of tokens right.
"""

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from exams.question_types.base import InvalidAnswer, index_in
from exams.question_types.simulated import SimulatedType
from pingtopass.fragments import fragment

MAX_ZONES = 12
MAX_TOKENS = 12
MAX_LABEL = 80
SHAPES = {"rect": 4, "circle": 3}  # zone shape → numbers in coords; a polygon has 3 to 12 points


def _fraction(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _points_ok(points) -> bool:
    return (isinstance(points, list) and all(isinstance(p, list) and len(p) == 2 and all(map(_fraction, p)) for p in points))


def _zone_errors(n: int, zone) -> list[str]:
    if not isinstance(zone, Mapping) or not str(zone.get("id", "")).strip():
        return [f"Zone {n} needs an id."]
    shape, coords = zone.get("shape"), zone.get("coords")
    if shape == "polygon":
        if not (_points_ok(coords) and 3 <= len(coords) <= 12):
            return [f"Zone {zone['id']}: a polygon has 3 to 12 points, each [x, y] between 0 and 1."]
    elif shape in SHAPES:
        if not (isinstance(coords, list) and len(coords) == SHAPES[shape] and all(map(_fraction, coords))):
            return [f"Zone {zone['id']}: a {shape} has {SHAPES[shape]} numbers between 0 and 1 in coords."]
    else:
        return [f"Zone {zone['id']}: the shape is rect, circle or polygon."]
    return []


def _drawing_errors(drawing) -> list[str]:
    if drawing is None:
        return []
    if not isinstance(drawing, list) or len(drawing) > 60:
        return ["The drawing is a list of at most 60 shapes."]
    errors = []
    for n, item in enumerate(drawing, 1):
        shape = item.get("shape") if isinstance(item, Mapping) else None
        numbers = {"rect": ("x", "y", "w", "h"), "circle": ("cx", "cy", "r"), "text": ("x", "y")}.get(shape)
        if shape == "line":
            ok = _points_ok(item.get("points")) and len(item["points"]) >= 2
        elif numbers:
            ok = all(_fraction(item.get(k)) for k in numbers)
        else:
            ok = False
        if not ok or len(str(item.get("label", item.get("text", "") if isinstance(item, Mapping) else ""))) > MAX_LABEL:
            errors.append(f"Drawing shape {n} is not a rect, circle, line or text with coordinates between 0 and 1.")
    return errors


class Hotspot(SimulatedType):
    key = "hotspot"
    label = "Hotspot"
    input_template = "questions/hotspot_input.jinja"
    wrong_hint = "The tokens marked ✗ below are not where they belong."
    ai_default_share = 0
    ai_rule = ""

    def badge_for(self, question) -> str:
        if self._choose_spot(question.simulation_data):
            return "Choose the spot"
        return "Place each label · partial credit per label"

    @staticmethod
    def _choose_spot(data: Mapping) -> bool:
        """One token: the learner picks the one zone it goes on."""
        return len(data.get("tokens", ())) == 1

    # --- content ---------------------------------------------------------------------------
    def data_errors(self, data: Mapping) -> list[str]:
        if not isinstance(data, Mapping):
            return ["A hotspot needs its zones, tokens and key."]
        errors = []
        width, height = data.get("width"), data.get("height")
        if not all(isinstance(v, int) and 100 <= v <= 4000 for v in (width, height)):
            errors.append("A hotspot needs the diagram's width and height (whole numbers from 100 to 4000).")
        zones, tokens, key = data.get("zones"), data.get("tokens"), data.get("key")
        if not isinstance(zones, list) or not 1 <= len(zones) <= MAX_ZONES:
            return errors + [f"A hotspot needs 1 to {MAX_ZONES} zones."]
        if not isinstance(tokens, list) or not 1 <= len(tokens) <= MAX_TOKENS:
            return errors + [f"A hotspot needs 1 to {MAX_TOKENS} tokens (labels to place)."]
        for n, zone in enumerate(zones, 1):
            errors += _zone_errors(n, zone)
        if any(not isinstance(t, Mapping) or not str(t.get("id", "")).strip() or not str(t.get("label", "")).strip()
               or len(str(t["label"])) > MAX_LABEL for t in tokens):
            errors.append(f"Every token needs an id and a label of at most {MAX_LABEL} characters.")
        errors += _drawing_errors(data.get("drawing"))
        if errors:
            return errors
        zone_ids = [z["id"] for z in zones]
        token_ids = [t["id"] for t in tokens]
        if len(set(zone_ids)) != len(zone_ids) or len(set(token_ids)) != len(token_ids):
            errors.append("Zone ids and token ids must be distinct.")
        if len({str(t["label"]).casefold() for t in tokens}) != len(tokens):
            errors.append("Token labels must be distinct.")
        if not isinstance(key, Mapping) or not key:
            return errors + ["The key must map at least one zone to the token that belongs there."]
        for zone_id, token_id in key.items():
            if zone_id not in zone_ids:
                errors.append(f"The key names a zone that does not exist: {zone_id!r}.")
            if token_id not in token_ids:
                errors.append(f"The key names a token that does not exist: {token_id!r}.")
        for token in tokens:
            if not token.get("reuse") and list(key.values()).count(token["id"]) > 1:
                errors.append(f"Token {token['label']!r} belongs on several zones: mark it \"reuse\": true.")
        explanations = data.get("explanations")
        if not isinstance(explanations, Mapping) or any(not str(explanations.get(t, "")).strip() for t in set(key.values())):
            errors.append("Every token in the key needs an explanation of why it goes where it does.")
        if self._choose_spot(data) and len(key) != 1:
            errors.append("With one token (choose the spot), the key names exactly one zone.")
        return errors

    # --- the card --------------------------------------------------------------------------
    def board(self, question, *, response, posted: Mapping | None, reveal: bool, draft=None) -> dict:
        data = question.simulation_data
        tokens = data["tokens"]
        placed: dict[str, str] = response if isinstance(response, Mapping) else {}
        if posted is not None:
            placed = self._placed(data, posted, strict=False)
        by_id = {t["id"]: n for n, t in enumerate(tokens)}
        width, height = data["width"], data["height"]
        zones = []
        for n, zone in enumerate(data["zones"]):
            token = by_id.get(placed.get(zone["id"]))
            zones.append({"index": n, "number": n + 1, "label": zone.get("label", ""), "shape": zone["shape"],
                          "svg": _svg_shape(zone["shape"], zone["coords"], width, height),
                          "centre": _centre(zone["shape"], zone["coords"], width, height),
                          "token": token, "token_label": tokens[token]["label"] if token is not None else ""})
        shown_tokens = [{"label": t["label"], "reuse": bool(t.get("reuse"))} for t in tokens]  # never their ids
        board = {"width": width, "height": height, "zones": zones, "tokens": shown_tokens,
                 "drawing": [_svg_drawing(item, width, height) for item in data.get("drawing") or []],
                 "choose_spot": self._choose_spot(data)}
        if reveal:
            board.update(self.review_board(question, placed))
        return board

    def review_board(self, question, response) -> dict:
        """The parts, and the diagram with every token where the key puts it."""
        board = super().review_board(question, response)
        data = question.simulation_data
        labels = {t["id"]: t["label"] for t in data["tokens"]}
        width, height = data["width"], data["height"]
        board["diagram"] = {
            "width": width, "height": height, "choose_spot": False, "review": True,
            "drawing": [_svg_drawing(item, width, height) for item in data.get("drawing") or []],
            "zones": [{"index": n, "number": n + 1, "shape": z["shape"], "svg": _svg_shape(z["shape"], z["coords"], width, height),
                       "centre": _centre(z["shape"], z["coords"], width, height), "token": 0 if z["id"] in data["key"] else None,
                       "token_label": labels.get(data["key"].get(z["id"]), "")} for n, z in enumerate(data["zones"])],
        }
        return board

    def public_data(self, question, *, response=None, draft=None) -> dict:
        data = question.simulation_data
        placed = response if isinstance(response, Mapping) else {}
        tokens = {t["id"]: n for n, t in enumerate(data["tokens"])}
        return {
            "width": data["width"], "height": data["height"], "drawing": data.get("drawing") or [],
            "zones": [{"index": n, "field": f"zone-{n}", "label": z.get("label", ""), "shape": z["shape"], "coords": z["coords"]}
                      for n, z in enumerate(data["zones"])],
            "tokens": [{"index": n, "label": t["label"], "reuse": bool(t.get("reuse"))} for n, t in enumerate(data["tokens"])],
            "choose_spot": self._choose_spot(data),
            "placed": {str(n): tokens.get(placed.get(z["id"])) for n, z in enumerate(data["zones"]) if placed.get(z["id"]) in tokens},
        }

    def render_authoring(self, question) -> Markup | str:
        if self.data_errors(question.simulation_data):
            return "Fix the data to see the diagram."
        board = self.board(question, response=None, posted=None, reveal=False)
        return fragment("questions/hotspot_authoring.jinja", question=question, board=board,
                        key=question.simulation_data["key"], zones=question.simulation_data["zones"])

    # --- an answer -------------------------------------------------------------------------
    def answer_given(self, data: Mapping) -> bool:
        return bool(data.get("spot")) or any(data.get(key) for key in data if key.startswith("zone-"))

    def _placed(self, data: Mapping, form: Mapping, *, strict: bool) -> dict[str, str]:
        """zone id → token id from the form: a token per zone, or, choosing the spot, the zone."""
        zones, tokens = data["zones"], data["tokens"]
        placed = {}
        if self._choose_spot(data):
            raw = _last(form.get("spot"))
            if raw not in (None, ""):
                try:
                    placed[zones[index_in(raw, len(zones))]["id"]] = tokens[0]["id"]
                except InvalidAnswer:
                    if strict:
                        raise InvalidAnswer("That spot is not one of this diagram's zones.") from None
            return placed
        for n, zone in enumerate(zones):
            raw = _last(form.get(f"zone-{n}"))
            if raw in (None, ""):
                continue
            try:
                placed[zone["id"]] = tokens[index_in(raw, len(tokens))]["id"]
            except InvalidAnswer:
                if strict:
                    raise InvalidAnswer(f"Zone {n + 1}: that label is not one of this question's.") from None
        return placed

    def parse(self, data: Mapping, *, choice_order: Sequence[int], match_order: Sequence[int], choose_count: int,
              question=None, draft=None):
        sim = question.simulation_data
        placed = self._placed(sim, data, strict=True)
        if not placed:
            raise InvalidAnswer("Choose the spot first." if self._choose_spot(sim) else "Place at least one label on the diagram.")
        for token in sim["tokens"]:
            if not token.get("reuse") and list(placed.values()).count(token["id"]) > 1:
                raise InvalidAnswer(f"“{token['label']}” can be placed only once.")
        return placed

    def parts(self, question, response: Mapping) -> list[dict]:
        data = question.simulation_data
        key = data["key"]
        zone_names = {z["id"]: f"zone {n}" + (f" ({z['label']})" if z.get("label") else "") for n, z in enumerate(data["zones"], 1)}
        parts = []
        for token in data["tokens"]:
            belongs = sorted(z for z, t in key.items() if t == token["id"])
            given = sorted(z for z, t in response.items() if t == token["id"])
            if not belongs and not given:
                continue  # a decoy left alone counts for nothing either way
            parts.append({
                "label": token["label"],
                "given": ", ".join(zone_names.get(z, z) for z in given) or "(not placed)",
                "answer": ", ".join(zone_names[z] for z in belongs) or "nowhere: it belongs on none of the zones",
                "right": given == belongs,
                "explanation": (data.get("explanations") or {}).get(token["id"], ""),
            })
        return parts


def _last(raw):
    return raw[-1] if isinstance(raw, list) and raw else raw


def _svg_shape(shape: str, coords, width: int, height: int) -> dict:
    """A zone's SVG attributes, in the diagram's own units."""
    if shape == "rect":
        x, y, w, h = coords
        return {"x": round(x * width, 1), "y": round(y * height, 1), "width": round(w * width, 1), "height": round(h * height, 1)}
    if shape == "circle":
        cx, cy, r = coords
        return {"cx": round(cx * width, 1), "cy": round(cy * height, 1), "r": round(r * min(width, height), 1)}
    return {"points": " ".join(f"{round(x * width, 1)},{round(y * height, 1)}" for x, y in coords)}


def _centre(shape: str, coords, width: int, height: int) -> tuple[float, float]:
    if shape == "rect":
        x, y, w, h = coords
        return round((x + w / 2) * width, 1), round((y + h / 2) * height, 1)
    if shape == "circle":
        return round(coords[0] * width, 1), round(coords[1] * height, 1)
    return (round(sum(p[0] for p in coords) / len(coords) * width, 1), round(sum(p[1] for p in coords) / len(coords) * height, 1))


def _svg_drawing(item: Mapping, width: int, height: int) -> dict:
    shape = item["shape"]
    if shape == "line":
        return {"shape": "line", "points": " ".join(f"{round(x * width, 1)},{round(y * height, 1)}" for x, y in item["points"])}
    if shape == "text":
        return {"shape": "text", "x": round(item["x"] * width, 1), "y": round(item["y"] * height, 1), "text": item.get("text", "")}
    coords = [item["x"], item["y"], item["w"], item["h"]] if shape == "rect" else [item["cx"], item["cy"], item["r"]]
    return {"shape": shape, "attrs": _svg_shape(shape, coords, width, height), "label": item.get("label", ""),
            "centre": _centre(shape, coords, width, height)}
