// The overview's and the annual report's charts (/overview, /annual-report): drawn with Chart.js from the figures the server put in
// <script type="application/json" id="overview-data">. Nothing is computed here; the tables
// beside each chart hold the same figures and stay the page's text for screen readers and for
// browsers without JavaScript.
(function () {
  "use strict";
  var block = document.getElementById("overview-data");
  if (!block || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(block.textContent);
  var colors = ["#1f5fa8", "#c0392b", "#7f8c8d", "#e67e22", "#27ae60", "#8e44ad", "#2c3e50"];
  var base = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: false } },
    scales: { x: { ticks: { autoSkip: true } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
  };

  function options(extra) {
    var o = JSON.parse(JSON.stringify(base));
    Object.keys(extra || {}).forEach(function (k) {
      o[k] = extra[k];
    });
    return o;
  }

  function bars(d, label, color) {
    return { labels: d.labels, datasets: [{ label: label, data: d.values, backgroundColor: color }] };
  }

  // One bar per area, one stacked series per bucket (d.series: [{label, values}]).
  function stacked(d, palette) {
    return {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.series.map(function (s, i) {
          return { label: s.label, data: s.values, backgroundColor: palette[i % palette.length] };
        })
      },
      options: options({
        plugins: { legend: { display: true, position: "bottom" } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
      })
    };
  }

  var charts = {
    top_burden: function (d) {
      return {
        type: "bar",
        data: bars(d, "年负担(小时)", colors[0]),
        options: options({
          indexAxis: "y",
          scales: { x: { beginAtZero: true }, y: { ticks: { autoSkip: false } } }
        })
      };
    },
    burden_histogram: function (d) {
      return { type: "bar", data: bars(d, "社区(村)数", colors[0]), options: options() };
    },
    months: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: "准入", data: d.admitted, backgroundColor: colors[4] },
            { label: "不予准入", data: d.rejected, backgroundColor: colors[3] },
            { label: "撤销", data: d.revoked, backgroundColor: colors[1] }
          ]
        },
        options: options({
          plugins: { legend: { display: true, position: "bottom" } },
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
        })
      };
    },
    cases_by_status: function (d) {
      return { type: "bar", data: bars(d, "问题线索数", colors[0]), options: options() };
    },
    cases_by_unit: function (d) {
      return {
        type: "bar",
        data: bars(d, "问题线索数", colors[2]),
        options: options({
          indexAxis: "y",
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } }
        })
      };
    },
    certificates: function (d) {
      return stacked(d, [colors[4], colors[3], colors[0], colors[1]]);
    },
    plaques: function (d) {
      return stacked(d, [colors[4], colors[1], colors[2]]);
    },
    ranking: function (d) {
      return {
        type: "bar",
        data: bars(d, "满意度", colors[5]),
        options: options({
          indexAxis: "y",
          scales: { x: { beginAtZero: true }, y: { ticks: { autoSkip: false } } }
        })
      };
    },
    // The annual report: each community's burden at the end of the year before and now.
    burden_change: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: d.before_label, data: d.before, backgroundColor: colors[2] },
            { label: d.now_label, data: d.now, backgroundColor: colors[0] }
          ]
        },
        options: options({
          indexAxis: "y",
          plugins: { legend: { display: true, position: "bottom" } },
          scales: { x: { beginAtZero: true }, y: { ticks: { autoSkip: false } } }
        })
      };
    },
    plaques_removed: function (d) {
      return stacked(d, [colors[4]]);
    },
    cases_by_source: function (d) {
      return { type: "bar", data: bars(d, "问题线索数", colors[5]), options: options() };
    },
    findings: function (d) {
      return { type: "bar", data: bars(d, "发现数", colors[1]), options: options() };
    },
    rectification: function (d) {
      return {
        type: "doughnut",
        data: { labels: d.labels, datasets: [{ data: d.values, backgroundColor: [colors[4], colors[3], colors[0], colors[1]] }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } }
      };
    }
  };

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var name = box.getAttribute("data-chart");
    var make = charts[name];
    var figures = data[name];
    if (!make || !figures) {
      return;
    }
    box.hidden = false;
    new window.Chart(box.querySelector("canvas"), make(figures));
  });
})();
