// The admin's question form: on a hotspot's diagram (templates/questions/hotspot_authoring.jinja),
// dragging across the picture adds a rectangular zone to the simulation data, in coordinates
// relative to the diagram (0 to 1), so an author need not work them out by hand.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function point(svg, event) {
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function round(value) { return Math.round(Math.min(Math.max(value, 0), 1) * 1000) / 1000; }

  function addZone(box, field, status, width, height) {
    var data;
    try { data = JSON.parse(field.value || "{}"); } catch (e) {
      status.textContent = "The data above is not valid JSON, so the zone was not added: fix it first.";
      return;
    }
    data.zones = Array.isArray(data.zones) ? data.zones : [];
    var ids = data.zones.map(function (z) { return z.id; });
    var n = data.zones.length + 1;
    while (ids.indexOf("z" + n) !== -1) n += 1;
    var zone = { id: "z" + n, label: "", shape: "rect",
                 coords: [round(box.x / width), round(box.y / height), round(box.w / width), round(box.h / height)] };
    data.zones.push(zone);
    field.value = JSON.stringify(data, null, 2);
    status.textContent = "Zone " + zone.id + " added at " + JSON.stringify(zone.coords) + ": give it a label, then save.";
  }

  document.querySelectorAll("[data-hotspot-authoring]").forEach(function (panel) {
    var svg = panel.querySelector("svg");
    var field = document.getElementById("id_simulation_data");
    var status = panel.querySelector("[data-authoring-status]");
    var width = Number(panel.dataset.width), height = Number(panel.dataset.height);
    var start = null, rect = null;
    if (!svg || !field) return;
    svg.addEventListener("pointerdown", function (event) {
      start = point(svg, event);
      rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("class", "hs-zone-shape ptp-drawing");
      svg.appendChild(rect);
      svg.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    svg.addEventListener("pointermove", function (event) {
      if (!start) return;
      var p = point(svg, event);
      rect.setAttribute("x", Math.min(p.x, start.x)); rect.setAttribute("y", Math.min(p.y, start.y));
      rect.setAttribute("width", Math.abs(p.x - start.x)); rect.setAttribute("height", Math.abs(p.y - start.y));
    });
    svg.addEventListener("pointerup", function (event) {
      if (!start) return;
      var p = point(svg, event);
      var box = { x: Math.min(p.x, start.x), y: Math.min(p.y, start.y), w: Math.abs(p.x - start.x), h: Math.abs(p.y - start.y) };
      start = null;
      if (box.w < width / 100 || box.h < height / 100) { rect.remove(); return; }
      addZone(box, field, status, width, height);
    });
  });
})();
