#!/usr/bin/python3
"""A fake org.kde.StatusNotifierWatcher for tray tests that records every item it sees.

Run with Debian's system Python (python3-dbus + python3-gi), not the project venv:

    /usr/bin/python3 fake_sni_watcher.py --state-file /tmp/x/sni.json [--address unix:...]

It owns ``org.kde.StatusNotifierWatcher`` on the session bus (or ``--address``), says a
StatusNotifierHost is registered (so Qt picks its D-Bus tray backend instead of XEmbed),
accepts RegisterStatusNotifierItem / RegisterStatusNotifierHost, emits the protocol's
signals, drops items whose owner leaves the bus, and after each registration reads the
item's own properties (Id, Title, Status, IconPixmap, ...) the way a real tray host would.

Everything it learns is written atomically to the JSON state file (history is kept, so a
test can still see an item after the app has exited). It prints ``READY`` on stdout once
it owns the name, and exits cleanly on SIGTERM/SIGINT or when the bus goes away.
"""

import argparse
import json
import os
import signal
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

WATCHER_NAME = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
WATCHER_IFACE = "org.kde.StatusNotifierWatcher"
ITEM_IFACE = "org.kde.StatusNotifierItem"
ITEM_DEFAULT_PATH = "/StatusNotifierItem"
PROPS_IFACE = "org.freedesktop.DBus.Properties"
PROTOCOL_VERSION = 0

# dbus-python's generated introspection lists methods and signals but not properties, and
# Qt reads IsStatusNotifierHostRegistered through a QDBusInterface built from introspection,
# so the whole document is spelled out here.
INTROSPECTION_XML = """<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect"><arg name="xml" type="s" direction="out"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Properties">
    <method name="Get">
      <arg name="interface" type="s" direction="in"/>
      <arg name="name" type="s" direction="in"/>
      <arg name="value" type="v" direction="out"/>
    </method>
    <method name="GetAll">
      <arg name="interface" type="s" direction="in"/>
      <arg name="properties" type="a{sv}" direction="out"/>
    </method>
    <method name="Set">
      <arg name="interface" type="s" direction="in"/>
      <arg name="name" type="s" direction="in"/>
      <arg name="value" type="v" direction="in"/>
    </method>
    <signal name="PropertiesChanged">
      <arg name="interface" type="s"/>
      <arg name="changed" type="a{sv}"/>
      <arg name="invalidated" type="as"/>
    </signal>
  </interface>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg name="service" type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg name="service" type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
    <signal name="StatusNotifierHostUnregistered"/>
  </interface>
</node>
"""


def log(message):
    print(f"fake_sni_watcher: {message}", file=sys.stderr, flush=True)


def to_json(value):
    """Turn dbus-python values into plain JSON data; byte arrays become their length."""
    if isinstance(value, (dbus.ByteArray, bytes)):
        return {"bytes": len(value)}
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64,
                          dbus.UInt16, dbus.UInt32, dbus.UInt64)):
        return int(value)
    if isinstance(value, dbus.Double):
        return float(value)
    if isinstance(value, (dbus.String, dbus.ObjectPath, dbus.Signature, str)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


class FakeWatcher(dbus.service.Object):
    """The watcher object; one per process, exported at /StatusNotifierWatcher."""

    def __init__(self, bus, state_file):
        super().__init__(bus, WATCHER_PATH)
        self._bus = bus
        self._state_file = state_file
        self._items = {}        # entry ("service/path") -> record dict (live items)
        self._history = []      # every record ever registered, same dict objects
        self._hosts = []
        self._owner_watches = {}
        bus.add_signal_receiver(
            self._on_item_signal, dbus_interface=ITEM_IFACE,
            sender_keyword="sender", member_keyword="member")
        self.write_state()

    # --- org.kde.StatusNotifierWatcher -------------------------------------------------

    @dbus.service.method(WATCHER_IFACE, in_signature="s", out_signature="",
                         sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        service = str(service)
        # The spec allows either a bus name or an object path owned by the caller.
        if service.startswith("/"):
            bus_name, path = str(sender), service
        else:
            bus_name, path = service, ITEM_DEFAULT_PATH
        entry = f"{bus_name}{path}"
        try:
            # Qt 6 registers with its unique name (":1.42"); older Qt and others pass
            # a well-known "org.kde.StatusNotifierItem-PID-N" name.
            owner = bus_name if bus_name.startswith(":") else str(
                self._bus.get_name_owner(bus_name))
        except dbus.DBusException:
            raise dbus.DBusException(
                f"{bus_name} is not on the bus",
                name="org.freedesktop.DBus.Error.NameHasNoOwner") from None
        record = {
            "entry": entry,
            "argument": service,
            "service": bus_name,
            "path": path,
            "sender": str(sender),
            "owner": owner,
            "registered_at": time.time(),
            "unregistered_at": None,
            "properties": None,
            "properties_error": None,
        }
        if entry in self._items:
            self._items[entry]["unregistered_at"] = time.time()
        self._items[entry] = record
        self._history.append(record)
        self._watch_owner(bus_name)
        log(f"item registered: {entry} (sender {sender})")
        self.write_state()
        self.StatusNotifierItemRegistered(entry)
        self._emit_items_changed()
        # Ask the item for its properties like a host would; Qt exports the object right
        # after it sends this call, so give it a moment.
        GLib.timeout_add(150, self._fetch_properties, record, 5)

    @dbus.service.method(WATCHER_IFACE, in_signature="s", out_signature="",
                         sender_keyword="sender")
    def RegisterStatusNotifierHost(self, service, sender=None):
        self._hosts.append({"service": str(service), "sender": str(sender),
                            "registered_at": time.time()})
        log(f"host registered: {service}")
        self.write_state()
        self.StatusNotifierHostRegistered()

    @dbus.service.signal(WATCHER_IFACE, signature="s")
    def StatusNotifierItemRegistered(self, service):
        pass

    @dbus.service.signal(WATCHER_IFACE, signature="s")
    def StatusNotifierItemUnregistered(self, service):
        pass

    @dbus.service.signal(WATCHER_IFACE, signature="")
    def StatusNotifierHostRegistered(self):
        pass

    @dbus.service.signal(WATCHER_IFACE, signature="")
    def StatusNotifierHostUnregistered(self):
        pass

    # --- org.freedesktop.DBus.Properties / Introspectable ------------------------------

    def _properties(self):
        return {
            "RegisteredStatusNotifierItems": dbus.Array(list(self._items), signature="s"),
            "IsStatusNotifierHostRegistered": dbus.Boolean(True),
            "ProtocolVersion": dbus.Int32(PROTOCOL_VERSION),
        }

    @dbus.service.method(PROPS_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        props = self._properties()
        if interface not in (WATCHER_IFACE, "") or name not in props:
            raise dbus.DBusException(f"no property {interface}.{name}",
                                     name="org.freedesktop.DBus.Error.UnknownProperty")
        return props[name]

    @dbus.service.method(PROPS_IFACE, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        if interface not in (WATCHER_IFACE, ""):
            return dbus.Dictionary({}, signature="sv")
        return dbus.Dictionary(self._properties(), signature="sv")

    @dbus.service.method(PROPS_IFACE, in_signature="ssv", out_signature="")
    def Set(self, interface, name, value):
        raise dbus.DBusException(f"{interface}.{name} is read-only",
                                 name="org.freedesktop.DBus.Error.PropertyReadOnly")

    @dbus.service.signal(PROPS_IFACE, signature="sa{sv}as")
    def PropertiesChanged(self, interface, changed, invalidated):
        pass

    @dbus.service.method(dbus.INTROSPECTABLE_IFACE, in_signature="", out_signature="s")
    def Introspect(self):
        return INTROSPECTION_XML

    # --- bookkeeping ---------------------------------------------------------------------

    def _emit_items_changed(self):
        self.PropertiesChanged(
            WATCHER_IFACE,
            dbus.Dictionary({"RegisteredStatusNotifierItems":
                             dbus.Array(list(self._items), signature="s")}, signature="sv"),
            dbus.Array([], signature="s"))

    def _watch_owner(self, bus_name):
        if bus_name in self._owner_watches:
            return

        def on_owner_changed(new_owner, bus_name=bus_name):
            if new_owner:
                return
            gone = [e for e, r in self._items.items() if r["service"] == bus_name]
            for entry in gone:
                record = self._items.pop(entry)
                record["unregistered_at"] = time.time()
                log(f"item unregistered: {entry}")
                self.StatusNotifierItemUnregistered(entry)
            if gone:
                self._emit_items_changed()
                self.write_state()
            watch = self._owner_watches.pop(bus_name, None)
            if watch is not None:
                watch.cancel()

        self._owner_watches[bus_name] = self._bus.watch_name_owner(bus_name, on_owner_changed)

    def _fetch_properties(self, record, attempts_left):
        def on_reply(props):
            record["properties"] = to_json(props)
            record["properties_error"] = None
            record["properties_at"] = time.time()
            self.write_state()

        def on_error(error):
            record["properties_error"] = str(error)
            self.write_state()
            if attempts_left > 1 and record["unregistered_at"] is None:
                GLib.timeout_add(200, self._fetch_properties, record, attempts_left - 1)

        self._bus.call_async(record["service"], record["path"], PROPS_IFACE, "GetAll",
                             "s", [ITEM_IFACE], on_reply, on_error,
                             timeout=5.0, byte_arrays=True)
        return False  # one-shot GLib timeout

    def _on_item_signal(self, *args, sender=None, member=None):
        # NewIcon / NewTitle / NewStatus / NewToolTip ...: refresh the snapshot.
        for record in list(self._items.values()):
            if record["owner"] == sender:
                record.setdefault("signals", []).append(str(member))
                GLib.timeout_add(50, self._fetch_properties, record, 3)

    def write_state(self):
        state = {
            "pid": os.getpid(),
            "items": self._history,
            "registered": list(self._items),
            "hosts": self._hosts,
            "updated_at": time.time(),
        }
        tmp = f"{self._state_file}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1)
        os.replace(tmp, self._state_file)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state-file", required=True, help="JSON file to record items in")
    parser.add_argument("--address", help="bus address (default: the session bus)")
    args = parser.parse_args(argv)

    DBusGMainLoop(set_as_default=True)
    if args.address:
        bus = dbus.bus.BusConnection(args.address)
    else:
        bus = dbus.SessionBus()
    loop = GLib.MainLoop()
    bus.call_on_disconnection(lambda _conn: loop.quit())

    watcher = FakeWatcher(bus, args.state_file)
    try:
        name = dbus.service.BusName(WATCHER_NAME, bus, do_not_queue=True)
    except dbus.exceptions.NameExistsException:
        log(f"{WATCHER_NAME} is already owned on this bus; refusing to shadow it")
        return 2

    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, lambda: (loop.quit(), False)[1])

    print("READY", flush=True)
    loop.run()
    watcher.write_state()
    del name
    return 0


if __name__ == "__main__":
    sys.exit(main())
