// One import of plotly's widget bundle per page and plotly version, shared by all figures.
const CACHE_KEY = "__hemaeduPlotlyWidgetBundle";

// The bundle's source lives on one carrier widget per kernel ("IPY_MODEL_<id>").
async function source(model) {
  const id = model.get("_hemaedu_bundle_ref").slice("IPY_MODEL_".length);
  // The carrier is opened before any figure, but give the page a moment to
  // register it when many models arrive at once.
  for (let attempt = 0; ; attempt++) {
    try {
      return (await model.widget_manager.get_model(id)).get("source");
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function bundle(model) {
  const cache = (globalThis[CACHE_KEY] ??= new Map());
  const key = model.get("_hemaedu_bundle_key");
  let loading = cache.get(key);
  if (!loading) {
    loading = source(model).then((text) => {
      const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
      return import(/* webpackIgnore: true */ url).finally(() => URL.revokeObjectURL(url));
    });
    // A failed import must not poison the page: the next figure tries again.
    loading.catch(() => cache.delete(key));
    cache.set(key, loading);
  }
  return loading;
}

// plotly.js never wraps a title: on a phone a long one runs off the figure. Break it into
// lines that fit the figure's width, in the drawn SVG only (the figure's data keeps the text),
// after every draw. The last line stays where plotly put the single line and the others go
// above it, into the top margin: below it there may be a legend (lesson 04's count chart).
const SVG_NS = "http://www.w3.org/2000/svg";
function wrapTitle(gd) {
  const svg = gd.querySelector(".main-svg");
  const title = gd.querySelector(".g-gtitle .gtitle");
  // Lines already: plotly's own (<br>) or ours (plotly fires afterplot again without redrawing it).
  if (!svg || !title || title.querySelector("tspan")) return;
  const x = parseFloat(title.getAttribute("x")) || 0;
  const room = svg.getBoundingClientRect().width - x - 8;
  const text = title.textContent;
  if (room <= 0 || title.getComputedTextLength() <= room) return;
  const words = text.split(/\s+/);
  const lines = [];
  for (const word of words) {
    const candidate = lines.length ? lines[lines.length - 1] + " " + word : word;
    title.textContent = candidate;
    if (lines.length && title.getComputedTextLength() <= room) lines[lines.length - 1] = candidate;
    else if (lines.length && lines[lines.length - 1] !== candidate) lines.push(word);
    else lines[0] = candidate;
  }
  title.textContent = "";
  const lineHeight = 1.2 * (parseFloat(getComputedStyle(title).fontSize) || 16);
  lines.forEach((line, i) => {
    const span = document.createElementNS(SVG_NS, "tspan");
    span.setAttribute("x", String(x));
    if (i) span.setAttribute("dy", String(lineHeight));
    span.textContent = line;
    title.appendChild(span);
  });
  const y = parseFloat(title.getAttribute("y")) || 0;
  title.setAttribute("y", String(Math.max(y - (lines.length - 1) * lineHeight, lineHeight)));
  title.setAttribute("aria-label", text);
}

// anywidget calls this factory once per model, like plotly's own default export.
export default () => {
  let figure;
  return {
    async initialize(context) {
      const mod = await bundle(context.model);
      figure = mod.default();
      return figure.initialize(context);
    },
    render(context) {
      const cleanup = figure.render(context);
      // plotly's view draws before its element is in the page, so plotly.js
      // falls back to a 700 px wide figure; its own resize handling listens for
      // Lumino messages that an anywidget view never receives. Resize whenever
      // the element's box changes (plotly.js installs _responsiveChartHandler
      // because the figure's config has responsive: true).
      const el = context.el;
      const resize = () => el._responsiveChartHandler?.();
      let wrapping = false;
      const wrap = () => { try { wrapTitle(el); } catch (error) { /* leave plotly's title */ } };
      const observer = new ResizeObserver(resize);
      observer.observe(el);
      // The first draw may end after the element got its size (JupyterLab
      // attaches it later than Voila): resize once more when plotly is done.
      const drawn = (event) => {
        if (event.detail?.element !== el) return;
        if (!wrapping && typeof el.on === "function") {
          wrapping = true;
          el.on("plotly_afterplot", wrap);
        }
        resize();
        wrap();
      };
      document.addEventListener("plotlywidget-after-render", drawn);
      return () => {
        observer.disconnect();
        document.removeEventListener("plotlywidget-after-render", drawn);
        if (typeof cleanup === "function") cleanup();
      };
    },
  };
};
