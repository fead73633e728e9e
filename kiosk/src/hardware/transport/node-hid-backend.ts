// The one thin file that talks to node-hid (loaded on first use, so a machine without HID
// access still starts). node-hid's HIDAsync fits HidLike.
import type { HidBackend, HidLike } from '@linli/shared';

export function nodeHidBackend(): HidBackend {
  const load = () => import('node-hid');
  return {
    async devices() {
      const hid = await load();
      return (await hid.devicesAsync()).flatMap((d) =>
        d.path
          ? [
              {
                path: d.path,
                vendorId: d.vendorId,
                productId: d.productId,
                ...(d.usagePage === undefined ? {} : { usagePage: d.usagePage }),
                ...(d.usage === undefined ? {} : { usage: d.usage }),
                ...(d.product === undefined ? {} : { product: d.product }),
              },
            ]
          : [],
      );
    },
    async open(path) {
      const hid = await load();
      return (await hid.HIDAsync.open(path)) as unknown as HidLike;
    },
  };
}
