"""Form data that answers a session item right or wrong, addressing choices by shown index."""

from exams.models import Question


def _table_data(question, right: bool) -> dict:
    data = {}
    for r, row in enumerate(question.simulation_data["rows"]):
        for column in question.simulation_data["columns"]:
            cell = row["cells"][column["key"]]
            if "answer" in cell:
                answer = cell["answer"][0] if isinstance(cell["answer"], list) else cell["answer"]
                if not right:
                    answer = next(o for o in column["options"] if o != answer) if column["kind"] == "choice" else {
                        "port": "1", "number": "1", "network": "198.51.100.0/24", "ipv4": "198.51.100.1",
                        "ipv6": "2001:db8::dead", "prefix": "/31", "word": "wrong"}[column["kind"]]
                data[f"cell-{r}-{column['key']}"] = answer
    return data


def _hotspot_data(question, right: bool) -> dict:
    sim = question.simulation_data
    zones = [z["id"] for z in sim["zones"]]
    tokens = [t["id"] for t in sim["tokens"]]
    if len(tokens) == 1:
        spot = zones.index(next(iter(sim["key"])))
        return {"spot": str(spot if right else (spot + 1) % len(zones))}
    if right:
        return {f"zone-{zones.index(z)}": str(tokens.index(t)) for z, t in sim["key"].items()}
    decoy = next((t for t in tokens if t not in sim["key"].values()), None)
    wrong = {}
    for z, t in sim["key"].items():  # every key zone gets a token that does not belong there
        other = decoy if decoy is not None else tokens[(tokens.index(t) + 1) % len(tokens)]
        wrong[f"zone-{zones.index(z)}"] = str(tokens.index(other))
        if decoy is not None:
            break  # a decoy is used once
    return wrong


def lab_lines(right: bool) -> list[str]:
    """What a learner types in tests.factories.router_lab, right or wrong."""
    address = "192.168.10.1" if right else "192.168.10.254"
    return ["enable", "configure terminal", "hostname EDGE1", "interface g0/0/1", f"ip address {address} 255.255.255.0",
            "no shutdown", "end"]


def correct_post_data(item) -> dict:
    """Form data that answers an item correctly, addressing choices by their shown index."""
    question = item.question
    if question.type == Question.Type.TABLE:
        return _table_data(question, right=True)
    if question.type == Question.Type.HOTSPOT:
        return _hotspot_data(question, right=True)
    order = item.choice_order
    choices = {c.pk: c for c in question.choices.all()}
    if question.type in (Question.Type.SINGLE, Question.Type.TRUE_FALSE, Question.Type.MULTIPLE):
        return {"choice": [str(i) for i, pk in enumerate(order) if choices[pk].is_correct]}
    if question.type == Question.Type.ORDERING:
        return {f"pos-{i}": str(choices[pk].position) for i, pk in enumerate(order)}
    return {f"match-{i}": str(item.match_order.index(pk)) for i, pk in enumerate(order)}


def wrong_post_data(item) -> dict:
    question = item.question
    if question.type == Question.Type.TABLE:
        return _table_data(question, right=False)
    if question.type == Question.Type.HOTSPOT:
        return _hotspot_data(question, right=False)
    order = item.choice_order
    choices = {c.pk: c for c in question.choices.all()}
    if question.type in (Question.Type.SINGLE, Question.Type.TRUE_FALSE):
        return {"choice": [str(next(i for i, pk in enumerate(order) if not choices[pk].is_correct))]}
    if question.type == Question.Type.MULTIPLE:
        wrong = [i for i, pk in enumerate(order) if not choices[pk].is_correct]
        return {"choice": [str(i) for i in wrong[: question.choose_count]]}
    if question.type == Question.Type.ORDERING:
        n = len(order)
        return {f"pos-{i}": str(n - choices[pk].position + 1) for i, pk in enumerate(order)}
    n = len(order)
    return {f"match-{i}": str(item.match_order.index(order[(i + 1) % n])) for i in range(n)}
