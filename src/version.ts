// The action's own name and version, as they appear in failure messages and the User-Agent header.
export const ACTION_NAME = 'qonversion-integration-action'
export const ACTION_VERSION = '1.0.0'
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`
