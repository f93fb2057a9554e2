// The body picture (Streamlit custom component v2, inline SVG, no iframe): a tap on a region
// sends its code to the server, which keeps the answer; the region buttons below the picture
// are its text alternative, so the picture itself is one labelled image for a screen reader.
const SVG = "http://www.w3.org/2000/svg";

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let svg = parentElement.querySelector("svg");
  if (!svg || svg.dataset.lang !== data.lang) {
    if (svg) svg.remove();
    svg = draw(data);
    parentElement.append(svg);
  }
  svg.onpointerup = (event) => {
    const code = event.target.getAttribute && event.target.getAttribute("data-code");
    if (code) setTriggerValue("tap", { code: code, at: Date.now() });
  };
  const chosen = new Set(data.chosen);
  for (const shape of svg.querySelectorAll("[data-code]")) {
    shape.classList.toggle("chosen", chosen.has(shape.getAttribute("data-code")));
  }
}

function draw(data) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${data.width} ${data.height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", data.label);
  svg.setAttribute("class", "kiosk-bodymap");
  svg.dataset.lang = data.lang;
  for (const points of data.outline) svg.append(shape(points, "figure"));
  for (const region of data.regions) {
    for (const points of region.polygons) {
      const part = shape(points, "region");
      part.setAttribute("data-code", region.code);
      svg.append(part);
    }
  }
  for (const [x, caption] of data.captions) {
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("x", x);
    text.setAttribute("y", 28);
    text.setAttribute("text-anchor", "middle");
    text.setAttribute("class", "caption");
    text.textContent = caption;
    svg.append(text);
  }
  return svg;
}

function shape(points, kind) {
  const polygon = document.createElementNS(SVG, "polygon");
  polygon.setAttribute("points", points);
  polygon.setAttribute("class", kind);
  return polygon;
}
