// A read-aloud button (Streamlit custom component v2, no iframe): the browser's own speech
// synthesis speaks the question and its answers in the patient's language; no audio and no
// text leave the tablet. Text comes from the server in `data`, set with textContent only.
export default function (component) {
  const { data, parentElement } = component;
  let button = parentElement.querySelector("button");
  if (!button) {
    button = document.createElement("button");
    button.type = "button";
    button.className = "kiosk-read-aloud";
    parentElement.append(button);
  }
  button.replaceChildren(speaker(), document.createTextNode(data.label));
  button.setAttribute("lang", data.lang);
  button.setAttribute("aria-label", data.label + ": " + data.question);
  button.onclick = () => {
    if (!window.speechSynthesis) return;
    window.speechSynthesis.cancel();
    const spoken = new SpeechSynthesisUtterance(data.text);
    spoken.lang = data.lang;
    window.speechSynthesis.speak(spoken);
  };
}

function speaker() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z");
  svg.append(path);
  return svg;
}
