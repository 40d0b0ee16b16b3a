// Where Rowsmith keeps its data when Electron is not there to say (web shell): the
// same folder Electron's app.getPath('userData') uses, so both shells open one workbook.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Rowsmith';

export function defaultUserDataDir(): string {
  if (process.env.ROWSMITH_USER_DATA) return process.env.ROWSMITH_USER_DATA;
  const home = homedir();
  if (process.platform === 'win32')
    return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}
