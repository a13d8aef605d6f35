// The causes icicle on a static page, where no kernel follows a zoom. Plotly keeps a chart's
// height when it zooms, so the causes under the box zoomed into would share a height made for
// the whole tree and lose their labels. Once plotly has finished a zoom, the page gives the chart
// the height that view needs: HEIGHTS maps each box with boxes under it to its height in pixels
// (hemaedu.figures.causes.causes_height, as the live app uses). Run as plotly's post_script, where
// {plot_id} is the chart's element id.
(() => {
  const gd = document.getElementById("{plot_id}");
  const heights = __HEIGHTS__;
  let next;
  gd.on("plotly_icicleclick", (event) => {
    next = event.nextLevel; // undefined for a cause (a leaf): plotly does not zoom
  });
  gd.on("plotly_animated", () => {
    const height = heights[next];
    next = undefined;
    if (!height || height === gd.layout.height) return;
    gd.style.height = `${height}px`; // the exported page fixes the chart element's height too
    Plotly.relayout(gd, { height });
  });
})();
