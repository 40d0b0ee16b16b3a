// electron-builder's afterPack hook: flips Electron's fuses in the packed app before it is
// signed, so the shipped binary cannot be turned into a plain Node runtime
// (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect), loads only the signed app.asar and
// checks its integrity, and encrypts cookies at rest. macOS arm64 binaries lose their
// ad-hoc signature when bytes change, so it is reset there (a real signature follows
// when signing is configured).
const path = require('node:path');

/** electron-builder's Arch enum (builder-util): 3 = arm64, 4 = universal. */
const ARM64 = 3;
const UNIVERSAL = 4;

/**
 * The fuse settings for one packed app. EnableEmbeddedAsarIntegrityValidation only exists
 * on macOS and Windows (electron-builder writes the asar hash there).
 */
async function fuseConfig(platform, arch) {
  const { FuseV1Options, FuseVersion } = await import('@electron/fuses');
  const darwin = platform === 'darwin' || platform === 'mas';
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: darwin && (arch === ARM64 || arch === UNIVERSAL),
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    ...(darwin || platform === 'win32'
      ? { [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true }
      : {}),
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
  };
}

/** Where electron-builder put the Electron binary (the .app bundle on macOS). */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas')
    return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32')
    return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName);
}

async function afterPack(context) {
  const { flipFuses } = await import('@electron/fuses');
  const config = await fuseConfig(context.electronPlatformName, context.arch);
  await flipFuses(electronBinary(context), config);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.fuseConfig = fuseConfig;
module.exports.electronBinary = electronBinary;
