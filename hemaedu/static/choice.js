// The view of hemaedu.controls.Choice: radio buttons in a <fieldset> whose
// <legend> is the description. controls-shared.js comes first.

function render({ model, el }) {
  const id = uid("hemaedu-choice");
  el.classList.add("hemaedu-control", "hemaedu-choice");

  const fieldset = document.createElement("fieldset");
  fieldset.className = "hemaedu-fieldset";
  const legend = document.createElement("legend");
  legend.className = "hemaedu-label";
  const options = document.createElement("div");
  options.className = "hemaedu-options";
  const help = document.createElement("div");
  help.className = "hemaedu-help";
  help.id = `${id}-help`;
  fieldset.append(legend, options, help);
  el.append(fieldset);

  let radios = [];
  const build = () => {
    options.replaceChildren();
    radios = model.get("_labels").map((text, i) => {
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = id;
      radio.id = `${id}-${i}`;
      radio.value = String(i);
      radio.addEventListener("change", () => {
        if (radio.checked) {
          model.set("index", i);
          model.save_changes();
        }
      });
      radio.addEventListener("keydown", (event) => {
        if (NAV_KEYS.has(event.key)) event.stopPropagation();
      });
      const label = document.createElement("label");
      label.className = "hemaedu-option";
      label.htmlFor = radio.id;
      label.append(radio, document.createTextNode(text));
      options.append(label);
      return radio;
    });
  };
  const update = () => {
    legend.textContent = model.get("description");
    const index = model.get("index");
    radios.forEach((radio, i) => {
      radio.checked = i === index;
      radio.disabled = model.get("disabled");
    });
    const h = model.get("help");
    help.textContent = h;
    help.hidden = !h;
    if (h) fieldset.setAttribute("aria-describedby", help.id);
    else fieldset.removeAttribute("aria-describedby");
  };
  const rebuild = () => { build(); update(); };

  rebuild();
  const names = ["index", "description", "help", "disabled"];
  for (const name of names) model.on(`change:${name}`, update);
  model.on("change:_labels", rebuild);
  return () => {
    for (const name of names) model.off(`change:${name}`, update);
    model.off("change:_labels", rebuild);
  };
}

export default { render };
