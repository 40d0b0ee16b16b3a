// Renderer entry: picks the bridge (the Electron preload's window.rowsmith, or the HTTP
// bridge of the loopback web shell), registers AG Grid's community modules and mounts the app.
import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setBridge } from './api';
import { App } from './app';
import { createWebBridge } from './bridge/web-bridge';
import './styles.css';

ModuleRegistry.registerModules([AllCommunityModule]);

setBridge(window.rowsmith ?? createWebBridge());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
