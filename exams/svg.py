"""SVG exhibits, cleaned on upload: an SVG is a document that can carry script, event handlers,
foreign HTML and links out, so only drawing elements and their presentation attributes are kept,
and a link may only point inside the drawing. Parsed with defusedxml (no entity expansion, no
external entities). The media route also serves SVG under a policy that lets nothing run
(pingtopass/media.py): this is the first of two locks."""

import re
from xml.etree.ElementTree import Element, tostring

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import FileExtensionValidator

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_BYTES = 2_000_000

ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "marker", "pattern", "clipPath",
    "mask",
}
ATTRIBUTES = {
    "id", "class", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "d", "points",
    "viewBox", "preserveAspectRatio", "transform", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width",
    "stroke-opacity", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline",
    "alignment-baseline", "letter-spacing", "dx", "dy", "rotate", "textLength", "lengthAdjust", "offset", "stop-color",
    "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod", "fx", "fy", "markerWidth", "markerHeight",
    "markerUnits", "refX", "refY", "orient", "patternUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "clip-path", "clip-rule", "mask", "marker-start", "marker-mid", "marker-end", "visibility", "display", "version",
    "href", "style",
}
# Inside style and paint attributes: only colours, lengths and references within the drawing.
_UNSAFE_VALUE = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|expression|javascript:|@import|behavior|binding", re.IGNORECASE)


class UnsafeSvg(ValueError):
    """The file is not an SVG drawing this site can keep; the message says why."""


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag or attribute."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _clean(element: Element) -> Element | None:
    namespace, tag = _local(element.tag)
    if namespace not in ("", SVG_NS) or tag not in ELEMENTS:
        return None
    kept = Element(tag)  # written unqualified; the root carries the SVG namespace
    for name, value in element.attrib.items():
        attr_namespace, attr = _local(name)
        if attr_namespace not in ("", XLINK_NS) or attr not in ATTRIBUTES or _UNSAFE_VALUE.search(value):
            continue
        if attr == "href" and not value.strip().startswith("#"):
            continue  # links only within the drawing
        kept.set(attr, value)
    kept.text = element.text if tag in ("text", "tspan", "textPath", "title", "desc") else None
    for child in element:
        cleaned = _clean(child)
        if cleaned is not None:
            cleaned.tail = child.tail if tag in ("text", "tspan", "textPath") else None
            kept.append(cleaned)
    return kept


def svg_sanitised(data: bytes) -> bytes:
    """The drawing of an uploaded SVG with nothing that can run or fetch; UnsafeSvg if it is not one."""
    if len(data) > MAX_BYTES:
        raise UnsafeSvg(f"The SVG is larger than {MAX_BYTES // 1_000_000} MB.")
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise UnsafeSvg("The SVG declares a DTD or entities, which are refused: it was not stored.") from None
    except (ElementTree.ParseError, ValueError) as exc:
        raise UnsafeSvg(f"The file is not a well-formed SVG ({exc.__class__.__name__}): it was not stored.") from None
    if _local(root.tag) != (SVG_NS, "svg"):
        raise UnsafeSvg("The file is not an SVG drawing (its root element is not <svg>).")
    cleaned = _clean(root)
    cleaned.set("xmlns", SVG_NS)
    drawing = tostring(cleaned, encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + drawing.encode()


class ExhibitField(forms.ImageField):
    """The exhibit upload: a raster image Pillow can open, or an SVG drawing, cleaned here."""

    default_validators = []

    def __init__(self, *args, extensions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.append(FileExtensionValidator(list(extensions)))

    def to_python(self, data):
        if data in self.empty_values or not getattr(data, "name", "").lower().endswith(".svg"):
            return super().to_python(data)
        try:
            cleaned = svg_sanitised(data.read())
        except UnsafeSvg as exc:
            raise ValidationError(str(exc), code="invalid_svg") from None
        return SimpleUploadedFile(data.name, cleaned, content_type="image/svg+xml")
