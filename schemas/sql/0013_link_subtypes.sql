-- What a neighbour's chassis and port IDs are (LLDP's subtypes: mac,
-- address, ifname, ifalias, local, component, circuit; CDP's port is an
-- interface name), so that the topology can show the port by the name an
-- engineer reads, resolved against the far device's interfaces
ALTER TABLE link ADD COLUMN remote_chassis_subtype TEXT NOT NULL DEFAULT '';
ALTER TABLE link ADD COLUMN remote_port_subtype TEXT NOT NULL DEFAULT '';
