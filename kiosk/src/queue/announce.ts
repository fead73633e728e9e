// What the display board says when a ticket is called (and the same text on the resident's phone).
export function callText(number: string, windowId: number): { zh: string; en: string } {
  return {
    zh: `请${number}号到${windowId}号窗口办理`,
    en: `Number ${number}, please go to window ${windowId}`,
  };
}
