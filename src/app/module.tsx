/** Entry point Grafana loads (`dist/module.js`): the app's root page and its configuration page. */
import { AppPlugin } from '@grafana/data';

import { App } from './App';
import { AppConfig } from './pages/Settings/AppConfig';
import { AppSettings } from './settings';

export const plugin = new AppPlugin<AppSettings>().setRootPage(App).addConfigPage({
  title: 'Settings',
  icon: 'cog',
  body: AppConfig,
  id: 'settings',
});
