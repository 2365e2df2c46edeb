/* The part of noVNC's RFB API the screen uses (the package ships no types). */
declare module '@novnc/novnc' {
  export default class RFB extends EventTarget {
    constructor(
      target: HTMLElement,
      /** A ws:// URL, or a channel-like object (send/close/onmessage/readyState...) such as a MessagePort wrapper. */
      urlOrChannel: string | object,
      options?: { shared?: boolean; credentials?: { password?: string }; wsProtocols?: string[] },
    );
    viewOnly: boolean;
    scaleViewport: boolean;
    resizeSession: boolean;
    clipViewport: boolean;
    focusOnClick: boolean;
    showDotCursor: boolean;
    background: string;
    disconnect(): void;
  }
}
