#!/usr/bin/python3
"""Scripted counsellors for `scripts/demo --simulate`.

Logs in the demo's counsellor accounts with slixmpp, like a person would
with Gajim or Profanity: accepts the persona's presence subscription,
stays available, and for each offer from v-<id>@accueil.ot.example
answers after a few seconds in the visitor's language, with a plausible
answer from a small knowledge base about Cahors and the Lot valley. The
first counsellor to answer takes the chat (the component tells the other
one). Follow-up questions get an answer too; after a while without a new
visitor message, the counsellor says goodbye and sends /fin, so the
visitor gets the satisfaction question.

    counsellors.py --port 5222 --pace normal marie:demo:Claire jordi:demo:Núria

Each line it prints is one thing that happened, for the demo's terminal.
Runs until SIGTERM or SIGINT.
"""

import argparse
import asyncio
import logging
import random
import re
import signal
import sys
import time

import slixmpp

COMPONENT = "accueil.ot.example"
STAFF = "ot.example"

# Seconds: (answer delay min, max), idle time before closing, typing time.
PACES = {
    "normal": {"answer": (4.0, 9.0), "idle": 45.0, "typing": 2.5,
               "goodbye": 2.0},
    "fast": {"answer": (0.8, 1.6), "idle": 4.0, "typing": 0.3,
             "goodbye": 0.5},
}
MAX_FOLLOW_UPS = 4
MAX_RECONNECTS = 20

VISITOR_WORDS = {"visiteur", "visitor", "visitant", "visitante", "besucher"}

# Knowledge base: (keywords, {lang: answer}). "{hello}" is a greeting with
# the visitor's first name when it is known. Facts are kept general and
# true of Cahors; nothing here is a booking or a price.
TOPICS = [
    (("canoë", "canoe", "canoa", "kayak", "piragua", "rivière", "river", "riu",
      "río"), {
        "fr": "{hello} Oui, on peut faire du canoë sur le Lot d'avril à "
              "octobre. Nos loueurs partenaires proposent des parcours d'une "
              "demi-journée au départ de Cahors, ou la descente Bouziès – "
              "Saint-Cirq-Lapopie, superbe sous les falaises. Réservez la "
              "veille en été. Vous seriez combien ?",
        "ca": "{hello} Sí, es pot fer canoa pel riu Lot d'abril a octubre. "
              "Els nostres llogaters proposen recorreguts de mig dia des de "
              "Cahors, o la baixada de Bouziès a Saint-Cirq-Lapopie, preciosa "
              "sota els penya-segats. A l'estiu, reserveu el dia abans. "
              "Quantes persones sereu?",
        "en": "{hello} Yes, you can canoe on the Lot from April to October. "
              "Our partner outfitters run half-day trips from Cahors, and the "
              "Bouziès to Saint-Cirq-Lapopie stretch under the cliffs is "
              "beautiful. In summer, book the day before. How many of you "
              "will there be?",
        "es": "{hello} Sí, se puede hacer piragüismo en el Lot de abril a "
              "octubre. Nuestros socios alquilan canoas para medio día desde "
              "Cahors, y el tramo de Bouziès a Saint-Cirq-Lapopie, bajo los "
              "acantilados, es precioso. En verano, reserve el día antes. "
              "¿Cuántas personas serán?"}),
    (("randonn", "marche", "hike", "hiking", "walk", "excursi", "senderis",
      "caminar", "camí", "camino", "gr 65", "gr65", "saint-jacques",
      "compostel"), {
        "fr": "{hello} Le GR 65, le chemin de Saint-Jacques, traverse Cahors "
              "par le pont Valentré. Pour une boucle facile, montez au Mont "
              "Saint-Cyr : environ une heure aller-retour depuis la vieille "
              "ville, avec la plus belle vue sur les méandres du Lot. Nous "
              "avons des fiches de balades gratuites à l'office. Vous marchez "
              "plutôt une heure ou une journée ?",
        "ca": "{hello} El GR 65, el camí de Sant Jaume, travessa Cahors pel "
              "pont Valentré. Per a una sortida fàcil, pugeu al Mont "
              "Saint-Cyr: una hora anada i tornada des del barri antic, amb "
              "la millor vista sobre els meandres del Lot. A l'oficina tenim "
              "fitxes de rutes gratuïtes. Voleu caminar una hora o tot el dia?",
        "en": "{hello} The GR 65, the Way of St James, crosses Cahors over the "
              "Valentré bridge. For an easy loop, walk up Mont Saint-Cyr: "
              "about an hour there and back from the old town, with the best "
              "view over the bends of the Lot. We have free walking leaflets "
              "at the office. Are you thinking of an hour or a whole day?",
        "es": "{hello} El GR 65, el Camino de Santiago, cruza Cahors por el "
              "puente Valentré. Para un paseo fácil, suba al Mont Saint-Cyr: "
              "una hora ida y vuelta desde el casco antiguo, con la mejor "
              "vista sobre los meandros del Lot. En la oficina tenemos fichas "
              "de rutas gratuitas. ¿Prefiere caminar una hora o todo el día?"}),
    (("valentré", "valentre", "pont", "bridge", "puente", "diable", "devil"), {
        "fr": "{hello} Le pont Valentré, fortifié au XIVe siècle, se visite "
              "librement à toute heure, à pied. Regardez en haut de la tour "
              "centrale : le petit diable sculpté rappelle la légende du "
              "bâtisseur. En été, nos visites guidées partent de l'office. "
              "Le plus beau moment pour les photos : le soir, depuis la rive "
              "gauche.",
        "ca": "{hello} El pont Valentré, fortificat al segle XIV, es pot "
              "visitar lliurement a peu a qualsevol hora. Mireu dalt de la "
              "torre central: el diable esculpit recorda la llegenda del "
              "constructor. A l'estiu fem visites guiades des de l'oficina. "
              "Per a fotos, millor al vespre des de la riba esquerra.",
        "en": "{hello} The Valentré bridge, fortified in the 14th century, is "
              "free to walk across at any time. Look up at the central tower: "
              "the little carved devil recalls the builder's legend. In "
              "summer our guided tours start from the office. For photos, the "
              "evening light from the left bank is the best.",
        "es": "{hello} El puente Valentré, fortificado en el siglo XIV, se "
              "visita libremente a pie a cualquier hora. Mire lo alto de la "
              "torre central: el diablillo esculpido recuerda la leyenda del "
              "constructor. En verano salen visitas guiadas desde la oficina. "
              "Para fotos, mejor al atardecer desde la orilla izquierda."}),
    (("vin", "wine", "vino", "malbec", "dégust", "tasting", "cata", "cave",
      "bodega", "celler"), {
        "fr": "{hello} Le vignoble de Cahors, c'est le malbec, le « vin noir ». "
              "Beaucoup de domaines ouvrent leur cave à la dégustation, "
              "souvent sur rendez-vous : je peux vous indiquer ceux qui "
              "reçoivent sans réservation. Vous serez en voiture ou à vélo ?",
        "ca": "{hello} La vinya de Cahors és el malbec, el «vi negre». Molts "
              "cellers obren per a tastos, sovint amb cita prèvia: us puc dir "
              "quins reben sense reserva. Anireu en cotxe o en bicicleta?",
        "en": "{hello} Cahors wine is malbec, the \"black wine\". Many estates "
              "open their cellars for tastings, often by appointment; I can "
              "tell you which ones welcome visitors without booking. Will you "
              "be driving or cycling?",
        "es": "{hello} El viñedo de Cahors es el malbec, el «vino negro». "
              "Muchas bodegas abren para catas, a menudo con cita previa: le "
              "puedo indicar las que reciben sin reserva. ¿Irá en coche o en "
              "bicicleta?"}),
    (("marché", "market", "mercat", "mercado"), {
        "fr": "{hello} Le marché a lieu le mercredi et le samedi matin, place "
              "Jean-Jacques-Chapou, au pied de la cathédrale Saint-Étienne. "
              "Le samedi, c'est le plus animé : producteurs du Quercy, "
              "fromages, truffes en saison.",
        "ca": "{hello} El mercat és dimecres i dissabte al matí, a la plaça "
              "Jean-Jacques-Chapou, als peus de la catedral. El dissabte és "
              "el més animat: productors del Quercy i formatges.",
        "en": "{hello} The market is on Wednesday and Saturday mornings, on "
              "place Jean-Jacques-Chapou by the cathedral. Saturday is the "
              "liveliest: Quercy farmers, cheeses, truffles in season.",
        "es": "{hello} El mercado es el miércoles y el sábado por la mañana, "
              "en la plaza Jean-Jacques-Chapou, junto a la catedral. El "
              "sábado es el más animado: productores del Quercy y quesos."}),
    (("saint-cirq", "lapopie"), {
        "fr": "{hello} Saint-Cirq-Lapopie est à une demi-heure de route, en "
              "remontant la vallée du Lot. Allez-y tôt le matin en été pour "
              "éviter la foule ; le chemin de halage depuis Bouziès est une "
              "très jolie façon d'arriver à pied.",
        "ca": "{hello} Saint-Cirq-Lapopie és a mitja hora en cotxe, remuntant "
              "la vall del Lot. A l'estiu, aneu-hi aviat al matí; el camí de "
              "sirga des de Bouziès és una manera preciosa d'arribar-hi a peu.",
        "en": "{hello} Saint-Cirq-Lapopie is half an hour's drive up the Lot "
              "valley. In summer go early in the morning; the towpath from "
              "Bouziès is a lovely way to arrive on foot.",
        "es": "{hello} Saint-Cirq-Lapopie está a media hora en coche, "
              "remontando el valle del Lot. En verano vaya temprano; el camino "
              "de sirga desde Bouziès es una forma preciosa de llegar a pie."}),
    (("enfant", "famille", "kid", "child", "children", "family", "nen",
      "família", "niño", "familia"), {
        "fr": "{hello} Avec des enfants, je vous conseille la balade du Mont "
              "Saint-Cyr, courte et avec une belle récompense au sommet, et le "
              "canoë sur un parcours calme d'une heure ou deux. Les gilets "
              "sont fournis ; il faut savoir nager.",
        "ca": "{hello} Amb nens, us recomano la passejada del Mont Saint-Cyr, "
              "curta i amb una bona vista, i la canoa en un tram tranquil "
              "d'una o dues hores. Les armilles hi són; cal saber nedar.",
        "en": "{hello} With children, I would suggest the short walk up Mont "
              "Saint-Cyr and a calm one- or two-hour canoe trip. Life jackets "
              "are provided; everyone needs to be able to swim.",
        "es": "{hello} Con niños, le recomiendo el paseo corto al Mont "
              "Saint-Cyr y un tramo tranquilo de canoa de una o dos horas. "
              "Hay chalecos; hay que saber nadar."}),
    (("dormir", "hôtel", "hotel", "hébergement", "accommodation", "stay",
      "allotjament", "alojamiento", "camping", "chambre"), {
        "fr": "{hello} Pour vous proposer des hébergements disponibles, "
              "pouvez-vous m'indiquer vos dates et le nombre de personnes ? "
              "Vous préférez le centre de Cahors ou la campagne ?",
        "ca": "{hello} Per proposar-vos allotjaments disponibles, em podeu "
              "dir les dates i quantes persones sereu? Preferiu el centre de "
              "Cahors o el camp?",
        "en": "{hello} To suggest places with rooms free, could you tell me "
              "your dates and how many you are? Would you rather stay in "
              "Cahors itself or in the countryside?",
        "es": "{hello} Para proponerle alojamientos disponibles, ¿me indica "
              "las fechas y el número de personas? ¿Prefiere el centro de "
              "Cahors o el campo?"}),
]

DEFAULT = {
    "fr": "{hello} Merci pour votre message. Pour bien vous conseiller, "
          "pouvez-vous me préciser vos dates et ce qui vous fait envie : "
          "patrimoine, nature, gastronomie ?",
    "ca": "{hello} Gràcies pel vostre missatge. Per aconsellar-vos bé, em "
          "podeu dir les dates i què us ve de gust: patrimoni, natura, "
          "gastronomia?",
    "en": "{hello} Thank you for your message. To give you good advice, could "
          "you tell me your dates and what you enjoy: heritage, nature, "
          "food and wine?",
    "es": "{hello} Gracias por su mensaje. Para aconsejarle bien, ¿me indica "
          "sus fechas y qué le apetece: patrimonio, naturaleza, gastronomía?",
}

FOLLOW_UP = {
    "fr": "Avec plaisir ! Autre chose pour préparer votre séjour ?",
    "ca": "Amb molt de gust! Alguna cosa més per preparar l'estada?",
    "en": "You are welcome! Anything else I can help you with?",
    "es": "¡Con mucho gusto! ¿Algo más para preparar su estancia?",
}

HELLO = {
    "fr": ("Bonjour {name} !", "Bonjour !"),
    "ca": ("Bon dia, {name}!", "Bon dia!"),
    "en": ("Hello {name}!", "Hello!"),
    "es": ("¡Hola, {name}!", "¡Hola!"),
}

GOODBYE = {
    "fr": "Je vous souhaite un très beau séjour dans la vallée du Lot. Je "
          "clos la conversation : vous allez recevoir une petite question "
          "sur votre satisfaction.",
    "ca": "Us desitjo una molt bona estada a la vall del Lot. Tanco la "
          "conversa: rebreu una petita pregunta sobre la vostra satisfacció.",
    "en": "I wish you a lovely stay in the Lot valley. I am closing the "
          "conversation now: you will get a short question about how it went.",
    "es": "Le deseo una muy buena estancia en el valle del Lot. Cierro la "
          "conversación: recibirá una breve pregunta de satisfacción.",
}

THANKS = ("merci", "thank", "gràcies", "gracies", "gracias")


def answer_for(text, lang, name, first=True):
    """A plausible answer to `text` in `lang` (fr, ca, en or es)."""
    lang = lang if lang in DEFAULT else "fr"
    named, plain = HELLO[lang]
    hello = named.format(name=name) if (name and first) else \
        (plain if first else "")
    low = (text or "").lower()
    for keywords, answers in TOPICS:
        if any(re.search(r"\b" + k, low) for k in keywords):
            return answers[lang].format(hello=hello).strip()
    if not first and any(t in low for t in THANKS):
        return FOLLOW_UP[lang]
    return DEFAULT[lang].format(hello=hello).strip()


def parse_nick(nick):
    """'Léa · fr · /page' -> ('Léa' or None, 'fr')."""
    parts = [p.strip() for p in (nick or "").split("·")]
    name = parts[0] if parts and parts[0].lower() not in VISITOR_WORDS else None
    lang = parts[1] if len(parts) > 1 else "fr"
    return name or None, lang


def parse_question(body):
    """The quoted question of an offer (the line between the quotes)."""
    match = re.search(r"\n[«\"„]\s?(.*)\s?[»\"“]\n", body, re.S)
    return match.group(1).strip() if match else body


class Chat:
    """One visitor session as this counsellor sees it."""

    def __init__(self, jid, name, lang, question):
        self.jid = jid
        self.name = name
        self.lang = lang
        self.question = question
        self.state = "offered"  # replied, active, closing, done, lost
        self.follow_ups = 0
        self.pending = None
        self.timer = None
        self.close_timer = None


class Counsellor(slixmpp.ClientXMPP):

    def __init__(self, account, password, persona, port, pace, say):
        super().__init__(f"{account}@{STAFF}", password)
        self.account = account
        self.persona = persona
        self.port = port
        self.pace = PACES[pace]
        self.say = say
        self.chats = {}
        self["feature_mechanisms"].unencrypted_plain = True
        # Accept the persona's subscription request and subscribe back,
        # as a counsellor does once in their client.
        self.auto_authorize = True
        self.auto_subscribe = True
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0085")
        self.register_plugin("xep_0172")
        self.register_plugin("xep_0199")
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("presence_subscribe", self.on_subscribe)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.stopping = False
        self.reconnects = 0

    def start(self):
        self.connect(("127.0.0.1", self.port), use_ssl=False,
                     force_starttls=False, disable_starttls=True)

    async def on_start(self, _):
        self.send_presence(pshow="chat", pstatus="Disponible")
        try:
            await self.get_roster(timeout=10)
        except (slixmpp.exceptions.IqError, slixmpp.exceptions.IqTimeout):
            pass
        self.say(f"{self.persona} ({self.boundjid.bare}) is logged in and available")

    def on_subscribe(self, pres):
        self.say(f"{self.persona}: accepts the presence subscription of {pres['from'].bare}")

    def on_disconnected(self, _):
        if not self.stopping and self.reconnects < MAX_RECONNECTS:
            self.reconnects += 1
            self.say(f"{self.persona}: disconnected, trying again in 3 s")
            self.loop.call_later(3, self.start)

    # ---- messages from v-<id>@accueil.ot.example ----

    def on_message(self, msg):
        sender = msg["from"]
        if sender.domain != COMPONENT or not sender.user.startswith("v-"):
            return
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        jid, body = sender.bare, msg["body"]
        chat = self.chats.get(jid)
        if body.startswith("[accueil"):
            self.on_notice(chat, body)
            return
        if chat is None:
            name, lang = parse_nick(msg["nick"]["nick"])
            chat = Chat(jid, name, lang, parse_question(body))
            self.chats[jid] = chat
            delay = random.uniform(*self.pace["answer"])
            self.say(f"{self.persona}: offer {sender.user} "
                     f"({lang}) « {chat.question[:60]} », answering in {delay:.0f} s")
            chat.timer = self.loop.call_later(delay, self.take, chat)
        elif chat.state == "replied":
            chat.pending = body  # answered once the take is confirmed
        elif chat.state == "active":
            chat.follow_ups += 1
            self.cancel_close(chat)
            self.say(f"{self.persona}: {sender.user} writes « {body[:60]} »")
            delay = random.uniform(*self.pace["answer"]) / 2
            chat.timer = self.loop.call_later(delay, self.reply, chat, body)

    def on_notice(self, chat, body):
        if chat is None:
            return
        if chat.state == "offered":
            # someone else took it (or the visitor left before we could)
            if chat.timer:
                chat.timer.cancel()
            chat.state = "lost"
            self.say(f"{self.persona}: {chat.jid.split('@')[0]} was taken by a colleague")
        elif chat.state == "replied":
            if self.persona in body:
                chat.state = "active"
                self.say(f"{self.persona}: took {chat.jid.split('@')[0]}")
                self.schedule_close(chat)
                if chat.pending:
                    chat.follow_ups += 1
                    self.reply(chat, chat.pending)
                    chat.pending = None
            else:
                chat.state = "lost"
                self.say(f"{self.persona}: {chat.jid.split('@')[0]} had already been taken by a colleague")
        elif re.search(r"\b[1-5]/5\b", body):
            self.say(f"{self.persona}: rating of {chat.jid.split('@')[0]}: "
                     f"{body.split(']', 1)[-1].strip()}")

    def typing_then(self, chat, text, then=None):
        """Shows 'composing' to the visitor, then sends text."""
        self.send_chat_state(chat.jid, "composing")

        def send():
            self.send_message(mto=chat.jid, mbody=text, mtype="chat")
            if then:
                then()
        self.loop.call_later(self.pace["typing"], send)

    def send_chat_state(self, jid, state):
        msg = self.make_message(mto=jid, mtype="chat")
        msg["chat_state"] = state
        msg.send()

    def take(self, chat):
        if chat.state != "offered":
            return
        chat.state = "replied"
        text = answer_for(chat.question, chat.lang, chat.name, first=True)
        self.send_message(mto=chat.jid, mbody=text, mtype="chat")
        self.say(f"{self.persona}: answers {chat.jid.split('@')[0]} ({chat.lang})")

    def reply(self, chat, body):
        if chat.state != "active":
            return
        text = answer_for(body, chat.lang, chat.name, first=False)
        if chat.follow_ups >= MAX_FOLLOW_UPS:
            self.typing_then(chat, text, lambda: self.close(chat))
        else:
            self.typing_then(chat, text, lambda: self.schedule_close(chat))

    def schedule_close(self, chat):
        self.cancel_close(chat)
        chat.close_timer = self.loop.call_later(self.pace["idle"], self.close, chat)

    def cancel_close(self, chat):
        if chat.close_timer:
            chat.close_timer.cancel()
            chat.close_timer = None

    def close(self, chat):
        if chat.state != "active":
            return
        chat.state = "closing"
        self.cancel_close(chat)

        def fin():
            self.send_message(mto=chat.jid, mbody="/fin", mtype="chat")
            chat.state = "done"
            self.say(f"{self.persona}: /fin for {chat.jid.split('@')[0]}")
        self.typing_then(chat, GOODBYE.get(chat.lang, GOODBYE["fr"]),
                         lambda: self.loop.call_later(self.pace["goodbye"], fin))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=5222, help="c2s port on 127.0.0.1")
    ap.add_argument("--pace", choices=sorted(PACES), default="normal")
    ap.add_argument("accounts", nargs="+", help="account:password:Persona")
    args = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL)

    def say(line):
        print(f"{time.strftime('%H:%M:%S')} {line}", flush=True)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(True))
    clients = []
    for spec in args.accounts:
        account, password, persona = spec.split(":", 2)
        client = Counsellor(account, password, persona, args.port, args.pace, say)
        client.loop = loop
        client.start()
        clients.append(client)
    loop.run_until_complete(stop)
    for client in clients:
        client.stopping = True
        client.disconnect(wait=1)
    loop.run_until_complete(asyncio.sleep(1.5))
    return 0


if __name__ == "__main__":
    sys.exit(main())
