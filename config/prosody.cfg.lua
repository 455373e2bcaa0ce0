-- accueil: what an office adds to its Prosody 0.12 configuration.
--
-- Copy this file to /etc/prosody/conf.d/accueil.cfg.lua (Debian's
-- prosody.cfg.lua includes conf.d/*.cfg.lua at its end) or paste it at the
-- end of prosody.cfg.lua, then restart Prosody (new hosts, components and
-- ports need a restart, not a reload). Replace the names with yours:
--
--   ot.example          the staff VirtualHost you already have (counsellors'
--                       accounts); it is not declared here
--   visit.ot.example    the anonymous host the web widget logs in to
--   salons.ot.example   the MUC service holding one room per visitor
--   accueil.ot.example  the component domain, <component domain="..."> in
--                       accueil.conf.xml
--
-- SECURITY: the component link (XEP-0114) is PLAINTEXT, handshake included.
-- Keep it on loopback, as below, or on a private network you trust; never
-- expose the component port to the Internet.
--
-- The integration tests start Prosody with this very file included
-- (tests/integration/prosody.cfg.lua.in), so what you copy is what is tested.

-- An included file starts in the global section: these two lines are global.
-- accueild connects here (<server host="127.0.0.1" port="5347"> in its config).
component_ports = { 5347 }
component_interfaces = { "127.0.0.1" }

-- Send each stanza at once (TCP_NODELAY on every socket Prosody accepts or
-- opens). Prosody 0.12's epoll backend (net/server_epoll.lua) keeps Nagle's
-- algorithm unless told: a stanza that follows another one on the component
-- link then waits for the peer's delayed ACK, about 40 ms per counsellor
-- message (tests/bench/bench_latency.py measures it both ways). Global
-- option; it replaces Prosody's network_settings table, so merge it with
-- any network_settings you already have.
network_settings = { nagle = false }

---------------------------------------------------------------------------
-- Web visitors: SASL ANONYMOUS over BOSH. Each visit gets a throw-away JID;
-- the visitor's room (name + password) is the session handle, so a page
-- reload that brings a new JID still finds its conversation.
VirtualHost "visit.ot.example"
	authentication = "anonymous"
	modules_enabled = { "bosh" }
	-- Anonymous visitors talk to this server only.
	allow_anonymous_s2s = false
	-- BOSH answers at http://<address>:5280/http-bind (Prosody's http_ports).
	-- Serve it to browsers through your web site's HTTPS reverse proxy, keep
	-- Prosody's HTTP port on loopback (global: http_interfaces =
	-- { "127.0.0.1" }), and tell Prosody the proxy is trusted:
	--   trusted_proxies = { "127.0.0.1" }
	--   consider_bosh_secure = true
	-- If the proxy forwards your web site's Host: header, make that header
	-- reach this host's BOSH endpoint (global option):
	--   http_default_host = "visit.ot.example"
	-- If the widget is served from another origin than BOSH:
	--   http_cors_override = { bosh = { enabled = true } }
	-- A visitor whose browser stayed silent this long gets a new JID when it
	-- comes back (the room keeps the conversation).
	bosh_max_inactivity = 60

---------------------------------------------------------------------------
-- Visitor rooms. Only the component may create rooms: the component domain
-- is an admin of this service (and therefore owner of every room). The admin
-- is that bare JID only, not the personas at it (adam@accueil.ot.example is
-- refused): accueild creates rooms from accueil.ot.example itself, and its
-- personas join afterwards. Do not use restrict_room_creation = "local": it
-- does not admit the component domain.
Component "salons.ot.example" "muc"
	name = "Salons des visiteurs"
	restrict_room_creation = "admin"
	admins = { "accueil.ot.example" }
	-- Each room's archive (XEP-0313): after every reconnect accueild pages
	-- it from the last line it stored, so nothing a visitor wrote while
	-- accueild or the link was down is lost. Without it accueild falls
	-- back to the room history (the last 50 stanzas at most) and says so
	-- in its log: a longer outage would lose lines.
	modules_enabled = { "muc_mam" }
	muc_log_by_default = true
	muc_log_expires_after = "1w"
	-- Defaults for safety; the component configures every room it creates
	-- (hidden, password-protected, not persistent unless it says so).
	muc_room_default_public = false
	muc_room_default_public_jids = false
	muc_room_default_members_only = false
	muc_room_default_persistent = false
	muc_room_default_history_length = 20
	-- Private messages: Prosody 0.12 has no switch to forbid them. In a
	-- visitor room the only other occupants are the component's personas, so
	-- a private message reaches the component, never a counsellor's account.

---------------------------------------------------------------------------
-- The component itself. The secret must be the content of accueild's
-- secret-file (chmod 600, owned by the user running accueild).
-- Generate one with: openssl rand -hex 32
Component "accueil.ot.example"
	component_secret = "CHANGE-ME-to-a-long-random-secret"
