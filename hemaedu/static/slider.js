// The view of hemaedu.controls.Slider: a native <input type="range"> with a
// <label>, a readout with its unit and a help text. controls-shared.js comes first.

// Same subset of Python format specs as hemaedu.controls.format_number.
function formatNumber(value, spec) {
  const m = /^(,?)(?:\.(\d{1,2}))?([fd])$/.exec(spec) || ["", "", "1", "f"];
  const digits = m[3] === "d" ? 0 : Number(m[2] ?? 6);
  return Number(value).toLocaleString("en-US", {
    signDisplay: "negative",  // no "-0.0" for a value that rounds to zero
    useGrouping: m[1] === ",",
    roundingMode: "halfExpand",  // the default, spelled out: Python copies it
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function render({ model, el }) {
  const id = uid("hemaedu-slider");
  el.classList.add("hemaedu-control", "hemaedu-slider");

  const label = document.createElement("label");
  label.className = "hemaedu-label";
  label.htmlFor = id;

  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  input.className = "hemaedu-range";

  // The readout repeats the slider's aria-valuetext for sighted users; it is
  // not a live region, so screen readers announce the value once, not twice.
  const output = document.createElement("output");
  output.className = "hemaedu-readout";
  output.setAttribute("for", id);
  output.setAttribute("aria-live", "off");

  const help = document.createElement("div");
  help.className = "hemaedu-help";
  help.id = `${id}-help`;

  const row = document.createElement("div");
  row.className = "hemaedu-row";
  row.append(input, output);
  el.append(label, row, help);

  const text = (value) => {
    // "1 year", "2 years": unit_one (when set) is the unit's form for exactly one.
    const unit = (Number(value) === 1 && model.get("unit_one")) || model.get("unit");
    const number = formatNumber(value, model.get("readout_format"));
    // "10%" as the course writes a percentage everywhere else, "10 g/dL" for any other unit.
    return unit ? `${number}${unit === "%" ? "" : " "}${unit}` : number;
  };
  const showValue = (value) => {
    const t = text(value);
    output.textContent = t;
    input.setAttribute("aria-valuetext", t);
  };
  const update = () => {
    label.textContent = model.get("description");
    // min, max and step before value, or the browser clamps to the old range.
    input.min = String(model.get("min"));
    input.max = String(model.get("max"));
    input.step = String(model.get("step"));
    input.value = String(model.get("value"));
    input.disabled = model.get("disabled");
    showValue(model.get("value"));
    const h = model.get("help");
    help.textContent = h;
    help.hidden = !h;
    if (h) input.setAttribute("aria-describedby", help.id);
    else input.removeAttribute("aria-describedby");
  };

  const send = () => {
    model.set("value", Number(input.value));
    model.save_changes();
  };
  input.addEventListener("input", () => {
    showValue(Number(input.value));
    if (model.get("continuous_update")) send();
  });
  // A key press fires "input" and then "change" with the same value: send it once.
  input.addEventListener("change", () => {
    if (Number(input.value) !== model.get("value")) send();
  });
  input.addEventListener("keydown", (event) => {
    if (NAV_KEYS.has(event.key)) event.stopPropagation();
  });

  update();
  const names = ["value", "min", "max", "step", "description", "unit", "unit_one", "help",
                 "readout_format", "disabled"];
  for (const name of names) model.on(`change:${name}`, update);
  return () => {
    for (const name of names) model.off(`change:${name}`, update);
  };
}

export default { render };
