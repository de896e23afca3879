// hls.js ships types for its full build only; the light build has the same API minus features
// this app does not use (alternate audio renditions, subtitles, DRM).
declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export default Hls;
  export * from 'hls.js';
}
