// Helpers the slider's and the choice's ES modules both start with.
// hemaedu/controls.py puts this file in front of slider.js and of choice.js:
// anywidget loads each widget's module on its own, from a string, so neither
// module can load a third file (and nothing is fetched from the network).
let counter = 0;
function uid(prefix) {
  counter += 1;
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}-${counter}`;
}

// Keys that move a range input or a radio group. JupyterLab handles its
// keyboard shortcuts in the bubbling phase, so stopping them here keeps the
// arrow keys on the control instead of moving the notebook's cell selection.
const NAV_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown",
                          "Home", "End", "PageUp", "PageDown"]);
