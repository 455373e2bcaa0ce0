/*
 * catalog_staff.c: the texts of the counsellors' and supervisors' tools
 * (the visitor's presence on v- JIDs, canned answers, supervision), in
 * every language of catalog.c (kept apart so catalog.c stays near its
 * size).
 */
#include "config.h"

#include <string.h>

#include "catalog.h"
#include "util.h"

#define N (MSG_SUP_STOPPED + 1 - MSG_VP_HERE)
#define T(id) [(id) - MSG_VP_HERE]

static const struct {
	const char *lang;
	const char *text[N];
} entries[] = {
	{"fr", {
		T(MSG_VP_HERE) = "Dans la conversation (%1$s)",
		T(MSG_VP_QUIET) = "Sans un mot depuis %1$s",
		T(MSG_VP_LEFT) = "A quitté la conversation à %1$s",
		T(MSG_VP_ENDED) = "Conversation terminée ou reprise par un collègue",
		T(MSG_CANNED_LIST) = "Réponses types en %1$s : %2$s. Dans d'autres langues : %3$s. !r <clé> [texte ajouté] pour en envoyer une.",
		T(MSG_CANNED_NONE) = "Aucune réponse type pour cet office.",
		T(MSG_CANNED_BAD_VAR) = "La réponse type « %1$s » contient une variable inconnue : {%2$s}. Variables possibles : %3$s",
		T(MSG_CANNED_CLOSED_TODAY) = "fermé aujourd'hui",
		T(MSG_CANNED_OPEN_NOW) = "dès maintenant, nous sommes ouverts",
		T(MSG_SUP_HELP) = "Supervision : !conversations pour les conversations en cours ; !suivre <v-…> pour en recevoir une copie en direct ; ensuite, dans la conversation v-…, tout ce que vous écrivez est chuchoté au conseiller (jamais au visiteur), !reprendre la prend sous votre persona, !arreter arrête la copie.",
		T(MSG_SUP_LIST_NONE) = "Aucune conversation en cours.",
		T(MSG_SUP_LIST_LINE) = "%1$s · %2$s · %3$s · %4$s · depuis %5$ld min · %6$ld messages%7$s",
		T(MSG_SUP_NOT_FOUND) = "Pas de conversation en cours « %1$s » (!conversations pour la liste).",
		T(MSG_SUP_NOT_YOURS) = "Vous ne supervisez pas l'office de cette conversation.",
		T(MSG_SUP_WATCHING) = "Vous suivez %1$s (%2$s, avec %3$s) : copie en lecture seule. Ce que vous écrivez ici est chuchoté au conseiller, jamais transmis au visiteur. !reprendre pour la prendre, !arreter pour ne plus suivre.",
		T(MSG_SUP_NO_PERSONA) = "Pour reprendre une conversation, il vous faut une persona : demandez un élément <counsellor> à votre nom dans la configuration.",
		T(MSG_SUP_NOT_ACTIVE) = "Cette conversation n'est pas en cours avec un conseiller : rien à reprendre.",
		T(MSG_SUP_ALREADY) = "Cette conversation est déjà la vôtre.",
		T(MSG_SUP_COPY) = "[suivi · lecture seule] %1$s : %2$s",
		T(MSG_SUP_CLOSED) = "La conversation %1$s est terminée : fin du suivi.",
		T(MSG_SUP_NO_HOLDER) = "Personne ne tient encore cette conversation : votre message n'a été transmis à personne.",
		T(MSG_SUP_WHISPER) = "%1$s (supervision) vous écrit : %2$s",
		T(MSG_SUP_STOPPED) = "Vous ne suivez plus cette conversation.",
	}},
	{"ca", {
		T(MSG_VP_HERE) = "A la conversa (%1$s)",
		T(MSG_VP_QUIET) = "Sense dir res des de les %1$s",
		T(MSG_VP_LEFT) = "Ha sortit de la conversa a les %1$s",
		T(MSG_VP_ENDED) = "Conversa acabada o presa per un company",
		T(MSG_CANNED_LIST) = "Respostes tipus en %1$s: %2$s. En altres llengües: %3$s. !r <clau> [text afegit] per enviar-ne una.",
		T(MSG_CANNED_NONE) = "Cap resposta tipus per a aquesta oficina.",
		T(MSG_CANNED_BAD_VAR) = "La resposta tipus «%1$s» conté una variable desconeguda: {%2$s}. Variables: %3$s",
		T(MSG_CANNED_CLOSED_TODAY) = "tancat avui",
		T(MSG_CANNED_OPEN_NOW) = "ara mateix, som oberts",
		T(MSG_SUP_HELP) = "Supervisió: !conversations per a les converses en curs; !suivre <v-…> per rebre'n una còpia en directe; després, a la conversa v-…, el que escriviu es xiuxiueja al conseller (mai al visitant), !reprendre la pren amb la vostra persona, !arreter atura la còpia.",
		T(MSG_SUP_LIST_NONE) = "Cap conversa en curs.",
		T(MSG_SUP_LIST_LINE) = "%1$s · %2$s · %3$s · %4$s · des de fa %5$ld min · %6$ld missatges%7$s",
		T(MSG_SUP_NOT_FOUND) = "Cap conversa en curs «%1$s» (!conversations per a la llista).",
		T(MSG_SUP_NOT_YOURS) = "No superviseu l'oficina d'aquesta conversa.",
		T(MSG_SUP_WATCHING) = "Seguiu %1$s (%2$s, amb %3$s): còpia només de lectura. El que escriviu aquí es xiuxiueja al conseller, mai al visitant. !reprendre per prendre-la, !arreter per deixar de seguir-la.",
		T(MSG_SUP_NO_PERSONA) = "Per prendre una conversa us cal una persona: demaneu un element <counsellor> al vostre nom a la configuració.",
		T(MSG_SUP_NOT_ACTIVE) = "Aquesta conversa no està en curs amb un conseller: res a prendre.",
		T(MSG_SUP_ALREADY) = "Aquesta conversa ja és vostra.",
		T(MSG_SUP_COPY) = "[seguiment · només lectura] %1$s: %2$s",
		T(MSG_SUP_CLOSED) = "La conversa %1$s ha acabat: fi del seguiment.",
		T(MSG_SUP_NO_HOLDER) = "Encara ningú no té aquesta conversa: el vostre missatge no s'ha transmès a ningú.",
		T(MSG_SUP_WHISPER) = "%1$s (supervisió) us escriu: %2$s",
		T(MSG_SUP_STOPPED) = "Ja no seguiu aquesta conversa.",
	}},
	{"en", {
		T(MSG_VP_HERE) = "In the conversation (%1$s)",
		T(MSG_VP_QUIET) = "No word since %1$s",
		T(MSG_VP_LEFT) = "Left the conversation at %1$s",
		T(MSG_VP_ENDED) = "Conversation ended or taken by a colleague",
		T(MSG_CANNED_LIST) = "Canned answers in %1$s: %2$s. In other languages: %3$s. !r <key> [added text] sends one.",
		T(MSG_CANNED_NONE) = "No canned answers for this office.",
		T(MSG_CANNED_BAD_VAR) = "The canned answer \"%1$s\" has an unknown variable: {%2$s}. Variables: %3$s",
		T(MSG_CANNED_CLOSED_TODAY) = "closed today",
		T(MSG_CANNED_OPEN_NOW) = "right now, we are open",
		T(MSG_SUP_HELP) = "Supervision: !live lists the conversations under way; !watch <v-…> sends you a live copy of one; then, in the v-… conversation, whatever you write is whispered to the counsellor (never to the visitor), !takeover takes it under your persona, !stop ends the copy.",
		T(MSG_SUP_LIST_NONE) = "No conversation under way.",
		T(MSG_SUP_LIST_LINE) = "%1$s · %2$s · %3$s · %4$s · for %5$ld min · %6$ld messages%7$s",
		T(MSG_SUP_NOT_FOUND) = "No conversation under way called \"%1$s\" (!live for the list).",
		T(MSG_SUP_NOT_YOURS) = "You do not supervise this conversation's office.",
		T(MSG_SUP_WATCHING) = "You are watching %1$s (%2$s, with %3$s): a read-only copy. What you write here is whispered to the counsellor, never sent to the visitor. !takeover to take it, !stop to stop watching.",
		T(MSG_SUP_NO_PERSONA) = "To take a conversation over you need a persona: ask for a <counsellor> entry in your name in the configuration.",
		T(MSG_SUP_NOT_ACTIVE) = "This conversation is not under way with a counsellor: nothing to take over.",
		T(MSG_SUP_ALREADY) = "This conversation is already yours.",
		T(MSG_SUP_COPY) = "[watching · read-only] %1$s: %2$s",
		T(MSG_SUP_CLOSED) = "Conversation %1$s has ended: watching stopped.",
		T(MSG_SUP_NO_HOLDER) = "Nobody holds this conversation yet: your message was passed on to nobody.",
		T(MSG_SUP_WHISPER) = "%1$s (supervisor) writes to you: %2$s",
		T(MSG_SUP_STOPPED) = "You no longer watch this conversation.",
	}},
	{"es", {
		T(MSG_VP_HERE) = "En la conversación (%1$s)",
		T(MSG_VP_QUIET) = "Sin escribir desde las %1$s",
		T(MSG_VP_LEFT) = "Salió de la conversación a las %1$s",
		T(MSG_VP_ENDED) = "Conversación terminada o atendida por un compañero",
		T(MSG_CANNED_LIST) = "Respuestas tipo en %1$s: %2$s. En otros idiomas: %3$s. !r <clave> [texto añadido] para enviar una.",
		T(MSG_CANNED_NONE) = "Ninguna respuesta tipo para esta oficina.",
		T(MSG_CANNED_BAD_VAR) = "La respuesta tipo «%1$s» contiene una variable desconocida: {%2$s}. Variables: %3$s",
		T(MSG_CANNED_CLOSED_TODAY) = "cerrado hoy",
		T(MSG_CANNED_OPEN_NOW) = "ahora mismo, estamos abiertos",
		T(MSG_SUP_HELP) = "Supervisión: !conversations para las conversaciones en curso; !suivre <v-…> para recibir una copia en directo; después, en la conversación v-…, lo que escriba se susurra al consejero (nunca al visitante), !reprendre la toma con su persona, !arreter detiene la copia.",
		T(MSG_SUP_LIST_NONE) = "Ninguna conversación en curso.",
		T(MSG_SUP_LIST_LINE) = "%1$s · %2$s · %3$s · %4$s · desde hace %5$ld min · %6$ld mensajes%7$s",
		T(MSG_SUP_NOT_FOUND) = "Ninguna conversación en curso «%1$s» (!conversations para la lista).",
		T(MSG_SUP_NOT_YOURS) = "No supervisa la oficina de esta conversación.",
		T(MSG_SUP_WATCHING) = "Sigue %1$s (%2$s, con %3$s): copia de solo lectura. Lo que escriba aquí se susurra al consejero, nunca al visitante. !reprendre para tomarla, !arreter para dejar de seguirla.",
		T(MSG_SUP_NO_PERSONA) = "Para tomar una conversación necesita una persona: pida un elemento <counsellor> a su nombre en la configuración.",
		T(MSG_SUP_NOT_ACTIVE) = "Esta conversación no está en curso con un consejero: nada que tomar.",
		T(MSG_SUP_ALREADY) = "Esta conversación ya es suya.",
		T(MSG_SUP_COPY) = "[seguimiento · solo lectura] %1$s: %2$s",
		T(MSG_SUP_CLOSED) = "La conversación %1$s ha terminado: fin del seguimiento.",
		T(MSG_SUP_NO_HOLDER) = "Nadie atiende aún esta conversación: su mensaje no se ha transmitido a nadie.",
		T(MSG_SUP_WHISPER) = "%1$s (supervisión) le escribe: %2$s",
		T(MSG_SUP_STOPPED) = "Ya no sigue esta conversación.",
	}},
	{"de", {
		T(MSG_VP_HERE) = "Im Gespräch (%1$s)",
		T(MSG_VP_QUIET) = "Kein Wort seit %1$s",
		T(MSG_VP_LEFT) = "Hat das Gespräch um %1$s verlassen",
		T(MSG_VP_ENDED) = "Gespräch beendet oder von einem Kollegen übernommen",
		T(MSG_CANNED_LIST) = "Textvorlagen auf %1$s: %2$s. In anderen Sprachen: %3$s. !r <Schlüssel> [Zusatztext] sendet eine.",
		T(MSG_CANNED_NONE) = "Keine Textvorlagen für dieses Büro.",
		T(MSG_CANNED_BAD_VAR) = "Die Textvorlage „%1$s“ enthält eine unbekannte Variable: {%2$s}. Variablen: %3$s",
		T(MSG_CANNED_CLOSED_TODAY) = "heute geschlossen",
		T(MSG_CANNED_OPEN_NOW) = "jetzt gleich, wir haben geöffnet",
		T(MSG_SUP_HELP) = "Supervision: !live listet die laufenden Gespräche; !watch <v-…> schickt Ihnen eine Live-Kopie; danach wird im Gespräch v-… alles, was Sie schreiben, dem Berater zugeflüstert (nie dem Besucher), !takeover übernimmt es unter Ihrer Persona, !stop beendet die Kopie.",
		T(MSG_SUP_LIST_NONE) = "Kein laufendes Gespräch.",
		T(MSG_SUP_LIST_LINE) = "%1$s · %2$s · %3$s · %4$s · seit %5$ld min · %6$ld Nachrichten%7$s",
		T(MSG_SUP_NOT_FOUND) = "Kein laufendes Gespräch „%1$s“ (!live für die Liste).",
		T(MSG_SUP_NOT_YOURS) = "Sie betreuen das Büro dieses Gesprächs nicht.",
		T(MSG_SUP_WATCHING) = "Sie verfolgen %1$s (%2$s, mit %3$s): eine Kopie nur zum Lesen. Was Sie hier schreiben, wird dem Berater zugeflüstert, nie dem Besucher. !takeover zum Übernehmen, !stop zum Beenden.",
		T(MSG_SUP_NO_PERSONA) = "Um ein Gespräch zu übernehmen, brauchen Sie eine Persona: bitten Sie um einen <counsellor>-Eintrag auf Ihren Namen in der Konfiguration.",
		T(MSG_SUP_NOT_ACTIVE) = "Dieses Gespräch läuft nicht mit einem Berater: nichts zu übernehmen.",
		T(MSG_SUP_ALREADY) = "Dieses Gespräch gehört schon Ihnen.",
		T(MSG_SUP_COPY) = "[Mitlesen · nur lesen] %1$s: %2$s",
		T(MSG_SUP_CLOSED) = "Das Gespräch %1$s ist beendet: Mitlesen beendet.",
		T(MSG_SUP_NO_HOLDER) = "Noch niemand führt dieses Gespräch: Ihre Nachricht ging an niemanden.",
		T(MSG_SUP_WHISPER) = "%1$s (Supervision) schreibt Ihnen: %2$s",
		T(MSG_SUP_STOPPED) = "Sie verfolgen dieses Gespräch nicht mehr.",
	}},
};

const char *
catalog_staff_text(const char *lang, enum msg id)
{
	size_t i;

	if (lang == NULL || id < MSG_VP_HERE || id > MSG_SUP_STOPPED)
		return NULL;
	for (i = 0; i < nitems(entries); i++)
		if (catalog_lang_is(entries[i].lang, lang))
			return entries[i].text[id - MSG_VP_HERE];
	return NULL;
}
