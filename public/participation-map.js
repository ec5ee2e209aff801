/*
 * Statement form, progressive enhancement: a click on the scope map (or the arrow keys once the
 * map has focus) sets a point; it is written as a GeoJSON Point in WGS84 into the hidden input the
 * map names (data-pick-input). Without JavaScript the text field for the location is enough.
 * The map's data attributes carry its Web Mercator projection (see scope-svg.tsx).
 */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var STEP = 8;

  function fmt(n) {
    return Math.abs(n).toFixed(5).replace(".", ",");
  }

  function setUp(svg) {
    var input = document.getElementById(svg.getAttribute("data-pick-input"));
    if (!input) return;
    var minX = Number(svg.getAttribute("data-min-x"));
    var maxY = Number(svg.getAttribute("data-max-y"));
    var scale = Number(svg.getAttribute("data-scale"));
    var offX = Number(svg.getAttribute("data-offset-x"));
    var offY = Number(svg.getAttribute("data-offset-y"));
    var mapHeight = Number(svg.getAttribute("data-map-height"));
    var vb = svg.viewBox.baseVal;
    var box = svg.closest(".scope-pick") || svg.parentNode;
    var status = box.querySelector("#ort-karte-status");
    var clear = box.querySelector("[data-pick-clear]");
    var hint = box.querySelector("[data-pick-hint]");
    if (hint) hint.hidden = false;
    svg.setAttribute("tabindex", "0");
    if (hint) svg.setAttribute("aria-describedby", (svg.getAttribute("aria-describedby") || "") + " " + hint.id);

    var marker = document.createElementNS(NS, "g");
    marker.setAttribute("aria-hidden", "true");
    var ring = document.createElementNS(NS, "circle");
    ring.setAttribute("r", "9");
    ring.setAttribute("fill", "#c0161e");
    ring.setAttribute("stroke", "#ffffff");
    ring.setAttribute("stroke-width", "3");
    marker.appendChild(ring);
    var point = null;

    function toLonLat(vx, vy) {
      var x = minX + (vx - offX) / scale;
      var y = maxY - (vy - offY) / scale;
      return [(x * 180) / Math.PI, ((2 * Math.atan(Math.exp(y)) - Math.PI / 2) * 180) / Math.PI];
    }
    function toView(lon, lat) {
      var x = (lon * Math.PI) / 180;
      var y = Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
      return [offX + (x - minX) * scale, offY + (maxY - y) * scale];
    }

    function place(vx, vy) {
      vx = Math.min(Math.max(vx, 0), vb.width);
      vy = Math.min(Math.max(vy, 0), mapHeight);
      point = [vx, vy];
      var ll = toLonLat(vx, vy);
      input.value = JSON.stringify({ type: "Point", coordinates: [Number(ll[0].toFixed(6)), Number(ll[1].toFixed(6))] });
      marker.setAttribute("transform", "translate(" + vx.toFixed(1) + "," + vy.toFixed(1) + ")");
      if (!marker.parentNode) svg.appendChild(marker);
      if (status) status.textContent = "Markierter Ort: " + fmt(ll[1]) + "° " + (ll[1] >= 0 ? "N" : "S") + ", " + fmt(ll[0]) + "° " + (ll[0] >= 0 ? "O" : "W") + ".";
      if (clear) clear.hidden = false;
    }

    function reset() {
      point = null;
      input.value = "";
      if (marker.parentNode) marker.parentNode.removeChild(marker);
      if (status) status.textContent = "Die Markierung ist entfernt.";
      if (clear) clear.hidden = true;
    }

    svg.addEventListener("click", function (ev) {
      var ctm = svg.getScreenCTM();
      if (!ctm) return;
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX;
      pt.y = ev.clientY;
      var p = pt.matrixTransform(ctm.inverse());
      if (p.y > mapHeight) return;
      place(p.x, p.y);
    });

    svg.addEventListener("keydown", function (ev) {
      var d = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] }[ev.key];
      if (!d && ev.key !== "Enter" && ev.key !== " ") return;
      ev.preventDefault();
      var from = point || [vb.width / 2, mapHeight / 2];
      place(from[0] + (d ? d[0] : 0), from[1] + (d ? d[1] : 0));
    });

    if (clear) clear.addEventListener("click", reset);

    // a point from a form shown again after an error
    if (input.value) {
      try {
        var g = JSON.parse(input.value);
        if (g && g.type === "Point") {
          var v = toView(g.coordinates[0], g.coordinates[1]);
          place(v[0], v[1]);
        }
      } catch (e) {
        input.value = "";
      }
    }
  }

  var maps = document.querySelectorAll("svg[data-pick-input]");
  for (var i = 0; i < maps.length; i++) setUp(maps[i]);
})();
