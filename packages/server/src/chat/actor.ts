/**
 * Who is acting. `trusted` is a backend key acting as `userId`: the application server, which
 * decides access itself, so thread and author checks do not apply to it (docs/api.md).
 */
export interface Actor {
  userId: string
  trusted: boolean
}
