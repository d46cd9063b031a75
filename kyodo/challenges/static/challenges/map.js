/* Maps of local issues (progressive enhancement: every page works without this file, and
   every map has a list of the same things on its page). Leaflet comes from the django-leaflet
   package's static files. Each .js-map element carries its settings in data-config (JSON):
   see kyodo/challenges/geo.py map_config. No inline script or style (CSP). */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function format(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function baseMap(box, config) {
    box.textContent = "";
    L.Icon.Default.imagePath = config.iconBase;
    var map = L.map(box, { scrollWheelZoom: config.mode !== "detail", maxZoom: config.maxZoom });
    var notice = document.getElementById(box.id + "-tiles");
    var failed = false;
    var tiles = L.tileLayer(config.tiles, {
      attribution: config.attribution,
      maxZoom: config.maxZoom,
      crossOrigin: false,
    });
    tiles.on("tileerror", function () {
      if (failed) return;
      failed = true;
      box.classList.add("map--no-tiles");
      if (notice) notice.hidden = false;
    });
    tiles.on("tileload", function () {
      if (failed) return;
      if (notice) notice.hidden = true;
    });
    tiles.addTo(map);
    var b = config.bbox;
    map.setMaxBounds(L.latLngBounds([b[0] - 0.5, b[1] - 0.5], [b[2] + 0.5, b[3] + 0.5]));
    map.setView(config.centre, config.zoom);
    if (config.boundariesUrl) {
      fetch(config.boundariesUrl, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          L.geoJSON(data, {
            interactive: false,
            style: function () { return { color: "#0017c1", weight: 2, fill: false, dashArray: "6 4" }; },
          }).addTo(map);
        })
        .catch(function () { /* the boundaries are a decoration; the page says nothing */ });
    }
    return map;
  }

  function issueMarker(f, msg) {
    var p = f.properties;
    var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
    var marker = L.marker(ll, { title: p.title, alt: p.title, keyboard: true });
    var body = el("div", "map-popup");
    var link = el("a", null, p.title);
    link.href = p.url;
    body.appendChild(link);
    body.appendChild(el("p", "map-popup__meta", p.status_label || ""));
    if (p.coarsened) body.appendChild(el("p", "map-popup__meta", msg.coarsened));
    marker.bindPopup(body);
    return marker;
  }

  function listMap(box, config) {
    var map = baseMap(box, config);
    var layer = L.layerGroup().addTo(map);
    var count = document.getElementById(box.id + "-count");
    var msg = config.messages;
    var seq = 0;
    function load() {
      var bounds = map.getBounds();
      var url = config.dataUrl + (config.dataUrl.indexOf("?") >= 0 ? "&" : "?") +
        "bbox=" + encodeURIComponent(bounds.toBBoxString()) + "&zoom=" + map.getZoom();
      var mine = ++seq;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || mine !== seq) return;
          layer.clearLayers();
          data.features.forEach(function (f) {
            if (f.properties.cluster) {
              var n = f.properties.count;
              var size = n < 10 ? "s" : n < 100 ? "m" : "l";
              var label = format(msg.cluster, { n: n.toLocaleString("ja-JP") });
              var icon = L.divIcon({
                className: "map-cluster map-cluster--" + size,
                html: "<span>" + n.toLocaleString("ja-JP") + "</span>",
                iconSize: size === "s" ? [36, 36] : size === "m" ? [44, 44] : [52, 52],
              });
              var m = L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
                icon: icon, title: label, keyboard: true,
              });
              m.on("click", function () {
                map.setView(m.getLatLng(), Math.min(map.getZoom() + 2, config.maxZoom));
              });
              layer.addLayer(m);
            } else {
              layer.addLayer(issueMarker(f, msg));
            }
          });
          if (count) count.textContent = format(msg.inView, { n: data.total.toLocaleString("ja-JP") });
          box.setAttribute("data-loaded", String(data.total));
        })
        .catch(function () {
          if (count) count.textContent = msg.failed;
        });
    }
    map.on("moveend", load);
    load();
  }

  function detailMap(box, config) {
    var map = baseMap(box, config);
    var here = L.latLng(config.point[0], config.point[1]);
    var main = L.marker(here, { title: config.title, alt: config.title, keyboard: false }).addTo(map);
    if (config.coarsened) {
      L.circle(here, { radius: config.coarseMetres / 2 + 40, color: "#0017c1", weight: 1, fillOpacity: 0.08 }).addTo(map);
    }
    main.bindPopup(el("p", null, config.title));
    var bounds = L.latLngBounds([here]);
    (config.nearby || []).forEach(function (n) {
      var ll = L.latLng(n[0], n[1]);
      bounds.extend(ll);
      var m = L.circleMarker(ll, { radius: 7, color: "#4d4d4d", weight: 2, fillColor: "#ffffff", fillOpacity: 1 });
      var link = el("a", null, n[2]);
      link.href = n[3];
      m.bindPopup(link);
      m.addTo(map);
    });
    if (bounds.isValid() && (config.nearby || []).length) {
      map.fitBounds(bounds.pad(0.3), { maxZoom: 17 });
    } else {
      map.setView(here, 16);
    }
    box.setAttribute("data-loaded", "1");
  }

  function pickMap(box, config) {
    var map = baseMap(box, config);
    var msg = config.messages;
    var lat = document.getElementById(config.latInput);
    var lon = document.getElementById(config.lonInput);
    var district = document.getElementById(config.districtInput);
    var status = document.getElementById(box.id + "-status");
    var marker = null;

    function say(text) { if (status) status.textContent = text; }

    function place(ll, fromInputs) {
      if (!marker) {
        marker = L.marker(ll, { draggable: true, title: msg.marker, alt: msg.marker, keyboard: false }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(ll);
      }
      if (!fromInputs) {
        lat.value = ll.lat.toFixed(6);
        lon.value = ll.lng.toFixed(6);
      }
      box.setAttribute("data-point", lat.value + "," + lon.value);
      say(format(msg.placed, { lat: Number(lat.value).toFixed(5), lon: Number(lon.value).toFixed(5) }));
    }

    function fromInputs() {
      var a = parseFloat(String(lat.value).normalize("NFKC"));
      var b = parseFloat(String(lon.value).normalize("NFKC"));
      if (isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
        place(L.latLng(a, b), true);
        map.setView([a, b], Math.max(map.getZoom(), 16));
      }
    }

    map.on("click", function (e) { place(e.latlng, false); });
    lat.addEventListener("change", fromInputs);
    lon.addEventListener("change", fromInputs);
    if (district) {
      district.addEventListener("change", function () {
        var c = config.districts[district.value];
        if (c && !marker) map.setView(c, 14);
      });
    }
    if (lat.value && lon.value) {
      fromInputs();
    } else if (district && config.districts[district.value]) {
      map.setView(config.districts[district.value], 14);
    }

    var locate = document.getElementById(box.id + "-locate");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        say(msg.locating);
        navigator.geolocation.getCurrentPosition(
          function (pos) {
            var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
            var b = config.bbox;
            if (ll.lat < b[0] || ll.lat > b[2] || ll.lng < b[1] || ll.lng > b[3]) {
              say(msg.outside);
              return;
            }
            place(ll, false);
            map.setView(ll, 17);
          },
          function () { say(msg.noLocation); },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    }
  }

  function start() {
    if (typeof L === "undefined") return; // the fallback text stays
    var boxes = document.querySelectorAll(".js-map");
    Array.prototype.forEach.call(boxes, function (box) {
      var config;
      try {
        config = JSON.parse(box.getAttribute("data-config"));
      } catch (e) {
        return;
      }
      if (config.mode === "list") listMap(box, config);
      else if (config.mode === "detail") detailMap(box, config);
      else if (config.mode === "pick") pickMap(box, config);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
