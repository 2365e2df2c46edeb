/* Renderer entry: starts feeding the stores from the API, then mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './views/app';
import { startFeed } from './stores/feed';
import { installReleaseOnLeave } from './input/release-on-leave';
import './styles/app.css';

startFeed();
installReleaseOnLeave();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
