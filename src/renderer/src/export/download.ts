// Web shell: a finished export is fetched by the browser itself through a temporary
// <a download>, so it lands in the user's downloads like any other file.
export function startDownload(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
