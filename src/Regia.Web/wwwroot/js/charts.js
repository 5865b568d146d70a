// Regia's charts and maps (Apache ECharts, served by Regia). Every chart is drawn from data the page also shows
// as a table, or from Regia's own API, so each one has an accessible alternative beside it. No inline script.
(function () {
  'use strict';
  if (!window.echarts) {
    return;
  }

  // Tooltips are HTML: every label taken from a table's text or from data goes in escaped, as text.
  function escapeHtml(text) {
    return String(text === null || text === undefined ? '' : text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  var palette = ['#0066cc', '#00a36c', '#b36200', '#7a3db8', '#c2185b', '#00838f', '#5d6d7e', '#8d6e00'];

  function drawMap(element) {
    fetch(element.getAttribute('data-map-src'), { headers: { Accept: 'application/geo+json' } })
      .then(function (response) { return response.json(); })
      .then(function (geoJson) {
        var highlight = (element.getAttribute('data-highlight') || '').split(',').filter(Boolean);
        var onlyZone = element.getAttribute('data-zone');
        if (onlyZone) {
          geoJson = { type: 'FeatureCollection', features: geoJson.features.filter(function (f) { return f.properties.zone === onlyZone; }) };
        }
        var zones = [];
        geoJson.features.forEach(function (f) { if (zones.indexOf(f.properties.zone) < 0) { zones.push(f.properties.zone); } });
        zones.sort();
        var mapName = 'regia-' + (onlyZone || 'cm');
        echarts.registerMap(mapName, geoJson);
        // A choropleth: the values of the table named by data-values (rows with data-istat and data-value), which is
        // the map's accessible alternative; a Comune without a figure stays grey.
        var values = null;
        var valuesTable = element.getAttribute('data-values') ? document.getElementById(element.getAttribute('data-values')) : null;
        if (valuesTable) {
          values = {};
          valuesTable.querySelectorAll('tbody tr[data-istat]').forEach(function (r) {
            var v = r.getAttribute('data-value');
            if (v !== null && v !== '') { values[r.getAttribute('data-istat')] = Number(v); }
          });
        }
        var numbers = values ? Object.keys(values).map(function (k) { return values[k]; }) : [];
        var unit = element.getAttribute('data-unit') || '';
        var chart = echarts.init(element, null, { renderer: 'svg' });
        chart.setOption({
          tooltip: {
            trigger: 'item',
            formatter: function (p) {
              var d = p.data || {};
              if (values) {
                return escapeHtml(d.label) + '<br>' + escapeHtml(typeof d.value === 'number' ? d.value.toLocaleString(document.documentElement.lang || 'it') + ' ' + unit : (element.getAttribute('data-label-missing') || '—'));
              }
              return escapeHtml(d.label) + (d.zone ? '<br>' + escapeHtml(d.zone) : '') + (d.population ? '<br>' + escapeHtml(d.population.toLocaleString('it-IT') + ' (' + d.year + ')') : '');
            }
          },
          visualMap: values && numbers.length ? {
            type: 'continuous',
            min: Math.min.apply(null, numbers),
            max: Math.max.apply(null, numbers),
            inRange: { color: ['#d6e6f5', '#0066cc', '#17324d'] },
            calculable: false,
            left: 'left',
            bottom: 0,
            formatter: function (v) { return Number(v).toLocaleString(document.documentElement.lang || 'it', { maximumFractionDigits: 1 }); }
          } : undefined,
          series: [{
            type: 'map',
            map: mapName,
            nameProperty: 'istatCode',
            roam: false,
            aspectScale: 0.72,
            selectedMode: false,
            label: { show: false },
            itemStyle: { borderColor: '#ffffff', borderWidth: 0.6 },
            emphasis: { label: { show: false }, itemStyle: { areaColor: '#17324d' } },
            data: geoJson.features.map(function (f) {
              var p = f.properties;
              if (values) {
                return p.istatCode in values
                  ? { name: p.istatCode, label: p.name, value: values[p.istatCode] }
                  : { name: p.istatCode, label: p.name, itemStyle: { areaColor: '#e6e9f2' } };
              }
              var colour = highlight.length ? (highlight.indexOf(p.istatCode) >= 0 ? '#c2185b' : '#c5d4e3') : palette[zones.indexOf(p.zone) % palette.length];
              return { name: p.istatCode, label: p.name, zone: p.zone, population: p.population, year: p.populationYear, itemStyle: { areaColor: colour } };
            })
          }]
        });
        chart.on('click', function (p) { window.location.href = '/territorio/comuni/' + p.name; });
        window.addEventListener('resize', function () { chart.resize(); });
      });
  }

  // A line chart of the numbers in the table named by data-table: first column the years, second the values.
  function drawLine(element) {
    var table = document.getElementById(element.getAttribute('data-table'));
    if (!table) {
      return;
    }
    var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr'));
    var years = rows.map(function (r) { return r.cells[0].textContent.trim(); });
    var values = rows.map(function (r) { return Number(r.cells[1].getAttribute('data-value')); });
    var chart = echarts.init(element, null, { renderer: 'svg' });
    chart.setOption({
      grid: { left: 70, right: 20, top: 20, bottom: 30 },
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return v.toLocaleString('it-IT'); } },
      xAxis: { type: 'category', data: years },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: function (v) { return v.toLocaleString('it-IT'); } } },
      series: [{ type: 'line', data: values, symbolSize: 8, lineStyle: { width: 3, color: '#0066cc' }, itemStyle: { color: '#0066cc' } }]
    });
    window.addEventListener('resize', function () { chart.resize(); });
  }

  // An indicator's series from the table named by data-table: its figures (a missing one leaves a gap, never a
  // zero), its targets, and the path from the baseline through the targets that the status is judged against.
  function drawIndicator(element) {
    var table = document.getElementById(element.getAttribute('data-table'));
    if (!table) {
      return;
    }
    var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr[data-kind]'));
    var periods = [];
    rows.forEach(function (r) {
      var period = r.cells[0].textContent.trim();
      if (periods.indexOf(period) < 0) { periods.push(period); }
    });
    periods.sort();
    function of(kinds) {
      return periods.map(function (period) {
        var row = rows.filter(function (r) { return kinds.indexOf(r.getAttribute('data-kind')) >= 0 && r.cells[0].textContent.trim() === period; })[0];
        var value = row ? row.cells[1].getAttribute('data-value') : '';
        return value ? Number(value) : null;
      });
    }
    var series = [{ name: element.getAttribute('data-label-values'), type: 'line', data: of(['value']), symbolSize: 8, lineStyle: { width: 3, color: '#0066cc' }, itemStyle: { color: '#0066cc' } }];
    if (rows.some(function (r) { return r.getAttribute('data-kind') === 'target'; })) {
      series.push({ name: element.getAttribute('data-label-targets'), type: 'scatter', data: of(['target']), symbol: 'diamond', symbolSize: 12, itemStyle: { color: '#b36200' } });
      series.push({ name: element.getAttribute('data-label-path'), type: 'line', data: of(['baseline', 'target']), connectNulls: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#5d6d7e' } });
    }
    var chart = echarts.init(element, null, { renderer: 'svg' });
    chart.setOption({
      grid: { left: 80, right: 20, top: 40, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return v === null || v === undefined ? 'n/d' : v.toLocaleString('it-IT'); } },
      xAxis: { type: 'category', data: periods },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: function (v) { return v.toLocaleString('it-IT'); } } },
      series: series
    });
    window.addEventListener('resize', function () { chart.resize(); });
  }

  // Rows of a table as a chart needs them: the row header's text, and the numbers of the cells under the column
  // headers marked data-series (each cell's data-value).
  function tableData(table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll('thead th'));
    var columns = [];
    headers.forEach(function (th, i) { if (th.hasAttribute('data-series')) { columns.push({ index: i, name: th.textContent.trim() }); } });
    var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr')).map(function (r) {
      var cells = r.children;
      return {
        label: cells[0].textContent.trim().replace(/\s+/g, ' '),
        values: columns.map(function (c) { var v = cells[c.index] && cells[c.index].getAttribute('data-value'); return v === null || v === '' ? null : Number(v); })
      };
    });
    return { columns: columns, rows: rows };
  }

  function format(v) { return v === null || v === undefined ? 'n/d' : Number(v).toLocaleString(document.documentElement.lang || 'it'); }

  // A bar chart of the table named by data-table: one bar per data-series column, one group per row.
  function drawBars(element) {
    var table = document.getElementById(element.getAttribute('data-table'));
    if (!table) {
      return;
    }
    var data = tableData(table);
    var chart = echarts.init(element, null, { renderer: 'svg' });
    chart.setOption({
      grid: { left: 110, right: 20, top: data.columns.length > 1 ? 40 : 20, bottom: 60 },
      legend: data.columns.length > 1 ? { top: 0 } : undefined,
      tooltip: { trigger: 'axis', valueFormatter: format },
      xAxis: { type: 'category', data: data.rows.map(function (r) { return r.label.length > 28 ? r.label.slice(0, 27) + '…' : r.label; }), axisLabel: { interval: 0, rotate: data.rows.length > 4 ? 20 : 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: function (v) { return Number(v).toLocaleString(document.documentElement.lang || 'it', { notation: 'compact' }); } } },
      series: data.columns.map(function (c, i) {
        return { name: c.name, type: 'bar', data: data.rows.map(function (r) { return r.values[i]; }), itemStyle: { color: palette[i % palette.length] } };
      })
    });
    window.addEventListener('resize', function () { chart.resize(); });
  }

  // A heat map of the table named by data-table: rows against its data-series columns, coloured by each cell's number.
  function drawHeatmap(element) {
    var table = document.getElementById(element.getAttribute('data-table'));
    if (!table) {
      return;
    }
    var data = tableData(table);
    var points = [];
    var max = 0;
    data.rows.forEach(function (r, y) {
      r.values.forEach(function (v, x) { points.push([x, y, v]); if (v > max) { max = v; } });
    });
    element.style.height = Math.max(200, data.rows.length * 24 + 110) + 'px';
    var chart = echarts.init(element, null, { renderer: 'svg' });
    chart.setOption({
      grid: { left: 70, right: 20, top: 10, bottom: 100 },
      tooltip: { formatter: function (p) { return escapeHtml(data.rows[p.value[1]].label + ' · ' + data.columns[p.value[0]].name + ': ' + format(p.value[2])); } },
      xAxis: { type: 'category', data: data.columns.map(function (c) { return c.name; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'category', inverse: true, data: data.rows.map(function (r) { return r.label; }) },
      visualMap: { min: 0, max: Math.max(1, max), calculable: false, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f2f7fc', '#0066cc', '#17324d'] } },
      series: [{ type: 'heatmap', data: points, label: { show: data.rows.length <= 40 } }]
    });
    window.addEventListener('resize', function () { chart.resize(); });
  }

  document.querySelectorAll('[data-map-src]').forEach(drawMap);
  document.querySelectorAll('[data-bar-chart]').forEach(drawBars);
  document.querySelectorAll('[data-heatmap]').forEach(drawHeatmap);
  document.querySelectorAll('[data-indicator-chart]').forEach(drawIndicator);
  document.querySelectorAll('[data-line-chart]').forEach(drawLine);
})();
