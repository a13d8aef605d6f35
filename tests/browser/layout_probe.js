// What a student sees of a lesson's layout, measured in the page (used by test_layout.py).
// Returns plain JSON: page overflow, each figure's plot area, tick-label collisions, clipped
// text, modebar/title and title/legend overlap, boxes (icicle, treemap, sunburst) without their
// label, undersized targets and tables that stick out.
() => {
  const vw = document.documentElement.clientWidth;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) !== 0;
  };
  const rect = (el) => { const r = el.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom}; };
  const overlap = (a, b, pad = 0) => a.x + pad < b.right && b.x + pad < a.right && a.y + pad < b.bottom && b.y + pad < a.bottom;
  const describe = (el) => {
    const text = (el.getAttribute('aria-label') || el.innerText || el.textContent || el.value || '').trim().replace(/\s+/g, ' ');
    return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : ''} "${text.slice(0, 40)}"`;
  };
  // An element is allowed past the right edge only inside an ancestor that scrolls horizontally.
  const scrollsX = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (a === document.body || a === document.documentElement) return false;
      const s = getComputedStyle(a);
      if (/(auto|scroll)/.test(s.overflowX) && a.getBoundingClientRect().right <= vw + 1) return true;
    }
    return false;
  };
  const root = document.querySelector('#rendered_cells') || document.body;
  const result = {viewport: vw, scrollWidth: document.scrollingElement.scrollWidth, scrollers: [],
                  figures: [], targets: [], tables: [], sticking_out: []};
  // Every element that scrolls sideways at page level (Voila scrolls inside a panel). A table,
  // a keyboard-reachable scroll box (role="region", tabindex) or a plot scrolling inside itself
  // is what a wide table should do on a phone.
  for (const el of document.querySelectorAll('body, body *')) {
    const s = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && /(auto|scroll)/.test(s.overflowX) && !el.closest('table, [role="region"][tabindex], .js-plotly-plot, pre')
        && el.clientWidth >= vw * 0.8) {
      result.scrollers.push({el: describe(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth});
    }
  }
  // Content sticking out of the viewport (cut off or needing the page to scroll sideways).
  for (const el of root.querySelectorAll('p, li, h1, h2, h3, h4, table, img, .widget-box > *, .js-plotly-plot, .hemaedu-control')) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1 && !scrollsX(el)) result.sticking_out.push({el: describe(el), right: Math.round(r.right)});
  }
  // Figures.
  for (const gd of root.querySelectorAll('.js-plotly-plot')) {
    if (!visible(gd)) continue;
    const box = rect(gd);
    const title = gd.querySelector('.gtitle');
    const fig = {title: title ? title.textContent : '', box, plot_areas: [], tick_collisions: [], clipped: [], modebar_over_title: false,
                 slices: 0, unlabelled: []};
    const areas = gd.querySelectorAll('.nsewdrag');
    if (areas.length) {
      for (const a of areas) fig.plot_areas.push(rect(a));
    } else {
      for (const sel of ['.geolayer .bg', '.iciclelayer', '.sunburstlayer', '.treemaplayer', '.pielayer']) {
        for (const a of gd.querySelectorAll(sel)) if (a.getBoundingClientRect().width > 0) fig.plot_areas.push(rect(a));
      }
    }
    // Tick labels of one axis must not overlap each other.
    for (const axis of gd.querySelectorAll('.xaxislayer-above, .yaxislayer-above')) {
      const labels = [...axis.querySelectorAll('.xtick text, .ytick text')].filter(visible).map((t) => ({t: t.textContent, r: rect(t)}));
      for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
        if (overlap(labels[i].r, labels[j].r, 1)) fig.tick_collisions.push(`${labels[i].t} / ${labels[j].t}`);
      }
    }
    // Text drawn outside the figure's own box is cut off.
    const svg = gd.querySelector('.main-svg');
    const frame = svg ? rect(svg) : box;
    for (const t of gd.querySelectorAll('.gtitle, .g-xtitle text, .g-ytitle text, .xtick text, .ytick text, .legendtext, .annotation-text, .textpoint text, .bartext, .slicetext')) {
      if (!visible(t) || !t.textContent.trim()) continue;
      const r = rect(t);
      if (r.x < frame.x - 1 || r.right > frame.right + 1 || r.y < frame.y - 1 || r.bottom > frame.bottom + 1) fig.clipped.push(t.textContent.slice(0, 40));
    }
    // Boxes of an icicle, treemap or sunburst: each one drawn must show its label. Plotly hides a
    // label that does not fit its box (uniformtext mode "hide"): the <text> stays, emptied or hidden.
    for (const slice of gd.querySelectorAll('.iciclelayer g.slice, .treemaplayer g.slice, .sunburstlayer g.slice')) {
      const shape = slice.querySelector('path');
      if (!shape || !visible(shape)) continue;
      fig.slices += 1;
      const label = slice.querySelector('text.slicetext');
      if (!label || !label.textContent.trim() || !visible(label)) {
        const r = rect(shape);
        fig.unlabelled.push(`${label ? label.textContent.slice(0, 30) : '(no text)'} in a ${Math.round(r.w)} x ${Math.round(r.h)} px box`);
      }
    }
    // The title, wrapped to lines on a phone, must not run into the legend or the plot.
    fig.title_overlaps = [];
    if (title && visible(title) && title.textContent.trim()) {
      const t = rect(title);
      for (const item of gd.querySelectorAll('.legend .traces')) {
        if (visible(item) && overlap(rect(item), t)) fig.title_overlaps.push(`legend entry "${item.textContent.trim().slice(0, 40)}"`);
      }
      if (fig.plot_areas.some((a) => overlap(a, t))) fig.title_overlaps.push('the plot area');
    }
    const modebar = gd.querySelector('.modebar-container');
    if (modebar && title && getComputedStyle(modebar).display !== 'none' && modebar.querySelector('.modebar-btn')) {
      const bar = gd.querySelector('.modebar') || modebar;
      fig.modebar_over_title = overlap(rect(bar), rect(title));
    }
    result.figures.push(fig);
  }
  // Interactive targets (WCAG 2.2, 2.5.8): the clickable box, i.e. the label for a radio button.
  const seen = new Set();
  for (const el of root.querySelectorAll('button, select, input, textarea, [role="slider"], [role="button"], summary')) {
    if (el.type === 'hidden') continue;
    const target = (el.type === 'radio' || el.type === 'checkbox') ? (el.closest('label') || el) : el;
    if (seen.has(target) || !visible(target)) continue;
    seen.add(target);
    const r = rect(target);
    result.targets.push({el: describe(el), w: Math.round(r.w), h: Math.round(r.h)});
  }
  for (const table of root.querySelectorAll('table')) {
    if (!visible(table)) continue;
    const r = rect(table);
    result.tables.push({el: describe(table).slice(0, 60), right: Math.round(r.right), fits: r.right <= vw + 1 || scrollsX(table) || /(auto|scroll)/.test(getComputedStyle(table).overflowX)});
  }
  return result;
}
