/*
 * catalog.c: the texts, in French, Catalan, English, Spanish and German.
 *
 * Tone follows the field (seeds/): "vous", no familiarity, and a robot
 * always says it is one.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "util.h"

const char *const catalog_langs[] = {"fr", "ca", "en", "es", "de", NULL};

struct entry {
	const char *lang;
	const char *text[MSG_MAX];
};

static const struct entry entries[] = {
	{"fr", {
		[MSG_OFFICE_OPEN] = "Chat ouvert : un conseiller vous répond.",
		[MSG_OFFICE_CLOSED] = "Chat fermé. Réouverture %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Chat fermé pour le moment.",
		[MSG_WEEKDAY_0] = "dimanche",
		[MSG_WEEKDAY_1] = "lundi",
		[MSG_WEEKDAY_2] = "mardi",
		[MSG_WEEKDAY_3] = "mercredi",
		[MSG_WEEKDAY_4] = "jeudi",
		[MSG_WEEKDAY_5] = "vendredi",
		[MSG_WEEKDAY_6] = "samedi",
		[MSG_DATE_AT] = "%1$s %2$d à %3$02d:%4$02d",
		[MSG_GREET_NAMED] = "Bonjour %1$s, je suis %2$s, l'assistant automatique de %3$s : je suis un robot, pas une personne.",
		[MSG_GREET] = "Bonjour, je suis %2$s, l'assistant automatique de %3$s : je suis un robot, pas une personne.",
		[MSG_NEXT_STEP] = "Je préviens les conseillers de l'office : l'un d'eux vous répondra ici même. Vous pouvez déjà préciser votre demande.",
		[MSG_YOUR_QUESTION] = "Votre question : « %s »",
		[MSG_LANG_FALLBACK] = "Aucun conseiller ne parle votre langue pour le moment : nous vous répondrons en %s.",
		[MSG_TAKEN] = "%1$s (%2$s) prend votre demande et vous répond.",
		[MSG_NOBODY_YET] = "Nos conseillers sont tous occupés pour l'instant : je garde votre question, et le premier disponible vous répondra ici.",
		[MSG_INVITE] = "Votre conversation avec %1$s est ouverte : salon %2$s, mot de passe %3$s.",
		[MSG_FORM_INVALID] = "Le formulaire joint n'a pas pu être lu (%s) ; votre question est bien transmise.",
		[MSG_TOO_LONG] = "Votre message était très long : seuls les %d premiers octets ont été transmis. Vous pouvez envoyer la suite en plusieurs messages.",
		[MSG_EMPTY] = "Votre message était vide : écrivez votre question et nous vous répondrons.",
		[MSG_JOIN_ROOM] = "Votre conversation continue dans le salon %s : rejoignez-le pour lire les réponses.",
		[MSG_SURVEY] = "Merci pour cet échange. Comment l'évaluez-vous, de 1 (pas satisfait) à 5 (très satisfait) ? Vous pouvez ajouter un commentaire après la note, par exemple : 5 merci !",
		[MSG_SURVEY_THANKS] = "Merci pour votre avis. Au revoir et bon séjour !",
		[MSG_SURVEY_AGAIN] = "Pour noter l'échange, écrivez un chiffre de 1 à 5, suivi si vous le souhaitez d'un commentaire.",
		[MSG_GOODBYE] = "La conversation est terminée. Merci de votre visite, et à bientôt !",
		[MSG_SURVEY_FORM_TITLE] = "Votre avis",
		[MSG_SURVEY_RATING_LABEL] = "Note de 1 à 5",
		[MSG_SURVEY_COMMENT_LABEL] = "Commentaire (facultatif)",
		[MSG_LANG_NAME_FR] = "français",
		[MSG_LANG_NAME_EN] = "anglais",
		[MSG_LANG_NAME_CA] = "catalan",
		[MSG_LANG_NAME_ES] = "espagnol",
		[MSG_LANG_NAME_DE] = "allemand",
		[MSG_LANG_NAME_IT] = "italien",
		[MSG_LANG_NAME_NL] = "néerlandais",
		[MSG_LANG_NAME_PT] = "portugais",
		[MSG_PRIVATE] = "[accueil · privé, non transmis au visiteur] %s",
		[MSG_OFFER] = "Nouvelle demande : %1$s (langue : %2$s, page : %3$s, %4$s) :\n« %5$s »\nRépondez ici pour la prendre.",
		[MSG_VISITOR] = "visiteur",
		[MSG_TAKEN_BY_YOU] = "Vous avez pris la demande ; le visiteur vous voit sous le nom « %s ». Ce que vous écrivez ici lui est transmis. /aide pour les commandes.",
		[MSG_TAKEN_BY_OTHER] = "Demande prise par %s : plus rien à faire pour vous.",
		[MSG_NOT_YOURS] = "Cette conversation est suivie par %s ; votre message n'a pas été transmis.",
		[MSG_ENDED] = "Cette conversation est terminée ; votre message n'a pas été transmis.",
		[MSG_HELP] = "Commandes (non transmises au visiteur) :\n/aide : cette aide\n/note <texte> : note privée dans le dossier\n/fin : terminer (le visiteur reçoit le questionnaire de satisfaction)\nTout autre texte est transmis au visiteur sous votre nom de conseiller.",
		[MSG_UNKNOWN_COMMAND] = "Commande inconnue : %s (rien n'a été transmis au visiteur).",
		[MSG_NOTE_SAVED] = "Note enregistrée dans le dossier (non transmise au visiteur).",
		[MSG_NOTE_EMPTY] = "Écrivez le texte de la note après /note.",
		[MSG_CLOSING] = "Conversation terminée : le visiteur reçoit le questionnaire de satisfaction.",
		[MSG_VISITOR_LEFT] = "Le visiteur a quitté la conversation (page fermée ou connexion perdue). Il peut revenir ; sinon elle sera fermée automatiquement.",
		[MSG_VISITOR_BACK] = "Le visiteur est de retour.",
		[MSG_VISITOR_GONE] = "Le visiteur n'est pas revenu : conversation fermée.",
		[MSG_RATED] = "Avis du visiteur : %1$d/5 %2$s",
		[MSG_OMEMO] = "Message chiffré (OMEMO) non transmis : le visiteur ne peut pas le lire. Désactivez le chiffrement pour cette conversation, puis renvoyez votre message.",
		[MSG_NOT_STAFF] = "Cette adresse sert aux conseillers de l'office : votre message n'a pas été transmis.",
		[MSG_NOT_OFFERED] = "Cette demande ne vous a pas été proposée ; votre message n'a pas été transmis.",
		[MSG_HISTORY_HEADER] = "Messages du visiteur jusqu'ici :",
		[MSG_RELAY_FAILED] = "Votre message n'a pas pu être transmis au visiteur pour le moment ; il est gardé et sera remis dès que possible.",
	}},
	{"ca", {
		[MSG_OFFICE_OPEN] = "Xat obert: un assessor us respon.",
		[MSG_OFFICE_CLOSED] = "Xat tancat. Tornem a obrir %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Xat tancat de moment.",
		[MSG_WEEKDAY_0] = "diumenge",
		[MSG_WEEKDAY_1] = "dilluns",
		[MSG_WEEKDAY_2] = "dimarts",
		[MSG_WEEKDAY_3] = "dimecres",
		[MSG_WEEKDAY_4] = "dijous",
		[MSG_WEEKDAY_5] = "divendres",
		[MSG_WEEKDAY_6] = "dissabte",
		[MSG_DATE_AT] = "%1$s %2$d a les %3$02d:%4$02d",
		[MSG_GREET_NAMED] = "Bon dia %1$s, sóc %2$s, l'assistent automàtic de %3$s: sóc un robot, no una persona.",
		[MSG_GREET] = "Bon dia, sóc %2$s, l'assistent automàtic de %3$s: sóc un robot, no una persona.",
		[MSG_NEXT_STEP] = "Aviso els assessors de l'oficina: un d'ells us respondrà aquí mateix. Ja podeu precisar la vostra demanda.",
		[MSG_YOUR_QUESTION] = "La vostra pregunta: «%s»",
		[MSG_LANG_FALLBACK] = "Cap assessor no parla la vostra llengua de moment: us respondrem en %s.",
		[MSG_TAKEN] = "%1$s (%2$s) s'encarrega de la vostra demanda.",
		[MSG_NOBODY_YET] = "Tots els nostres assessors estan ocupats: guardo la vostra pregunta i el primer disponible us respondrà aquí.",
		[MSG_INVITE] = "La vostra conversa amb %1$s és oberta: sala %2$s, contrasenya %3$s.",
		[MSG_FORM_INVALID] = "No s'ha pogut llegir el formulari adjunt (%s); la vostra pregunta s'ha transmès.",
		[MSG_TOO_LONG] = "El vostre missatge era molt llarg: només s'han transmès els primers %d octets. Podeu enviar la resta en diversos missatges.",
		[MSG_EMPTY] = "El vostre missatge era buit: escriviu la vostra pregunta i us respondrem.",
		[MSG_JOIN_ROOM] = "La vostra conversa continua a la sala %s: entreu-hi per llegir les respostes.",
		[MSG_SURVEY] = "Gràcies per aquesta conversa. Com la valoreu, de 1 (gens satisfet) a 5 (molt satisfet)? Podeu afegir un comentari després de la nota, per exemple: 5 gràcies!",
		[MSG_SURVEY_THANKS] = "Gràcies per la vostra opinió. Adéu i bona estada!",
		[MSG_SURVEY_AGAIN] = "Per valorar la conversa, escriviu un número de l'1 al 5, seguit si voleu d'un comentari.",
		[MSG_GOODBYE] = "La conversa ha acabat. Gràcies per la visita, fins aviat!",
		[MSG_SURVEY_FORM_TITLE] = "La vostra opinió",
		[MSG_SURVEY_RATING_LABEL] = "Nota de l'1 al 5",
		[MSG_SURVEY_COMMENT_LABEL] = "Comentari (opcional)",
		[MSG_LANG_NAME_FR] = "francès",
		[MSG_LANG_NAME_EN] = "anglès",
		[MSG_LANG_NAME_CA] = "català",
		[MSG_LANG_NAME_ES] = "castellà",
		[MSG_LANG_NAME_DE] = "alemany",
		[MSG_LANG_NAME_IT] = "italià",
		[MSG_LANG_NAME_NL] = "neerlandès",
		[MSG_LANG_NAME_PT] = "portuguès",
		[MSG_PRIVATE] = "[accueil · privat, no s'envia al visitant] %s",
		[MSG_OFFER] = "Nova demanda: %1$s (llengua: %2$s, pàgina: %3$s, %4$s):\n«%5$s»\nRespongueu aquí per agafar-la.",
		[MSG_VISITOR] = "visitant",
		[MSG_TAKEN_BY_YOU] = "Heu agafat la demanda; el visitant us veu com a «%s». El que escriviu aquí se li transmet. /aide per a les ordres.",
		[MSG_TAKEN_BY_OTHER] = "Demanda agafada per %s.",
		[MSG_NOT_YOURS] = "Aquesta conversa la porta %s; el vostre missatge no s'ha transmès.",
		[MSG_ENDED] = "Aquesta conversa ha acabat; el missatge no s'ha transmès.",
		[MSG_HELP] = "Ordres (no s'envien al visitant):\n/aide: aquesta ajuda\n/note <text>: nota privada\n/fin: acabar la conversa\nQualsevol altre text es transmet al visitant.",
		[MSG_UNKNOWN_COMMAND] = "Ordre desconeguda: %s (no s'ha enviat res).",
		[MSG_NOTE_SAVED] = "Nota desada.",
		[MSG_NOTE_EMPTY] = "Escriviu el text després de /note.",
		[MSG_CLOSING] = "Conversa acabada: el visitant rep l'enquesta.",
		[MSG_VISITOR_LEFT] = "El visitant ha sortit de la conversa.",
		[MSG_VISITOR_BACK] = "El visitant ha tornat.",
		[MSG_VISITOR_GONE] = "El visitant no ha tornat: conversa tancada.",
		[MSG_RATED] = "Valoració: %1$d/5 %2$s",
		[MSG_OMEMO] = "Missatge xifrat (OMEMO) no transmès: desactiveu el xifratge per a aquest xat.",
		[MSG_NOT_STAFF] = "Aquesta adreça és per als assessors.",
		[MSG_NOT_OFFERED] = "Aquesta demanda no us ha estat proposada.",
		[MSG_HISTORY_HEADER] = "Missatges del visitant fins ara:",
		[MSG_RELAY_FAILED] = "El missatge es lliurarà tan aviat com sigui possible.",
	}},
	{"en", {
		[MSG_OFFICE_OPEN] = "Chat open: an advisor will answer you.",
		[MSG_OFFICE_CLOSED] = "Chat closed. Opens again %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Chat closed for now.",
		[MSG_WEEKDAY_0] = "Sunday",
		[MSG_WEEKDAY_1] = "Monday",
		[MSG_WEEKDAY_2] = "Tuesday",
		[MSG_WEEKDAY_3] = "Wednesday",
		[MSG_WEEKDAY_4] = "Thursday",
		[MSG_WEEKDAY_5] = "Friday",
		[MSG_WEEKDAY_6] = "Saturday",
		[MSG_DATE_AT] = "%1$s %2$d at %3$02d:%4$02d",
		[MSG_GREET_NAMED] = "Hello %1$s, I am %2$s, the automatic assistant of %3$s: I am a robot, not a person.",
		[MSG_GREET] = "Hello, I am %2$s, the automatic assistant of %3$s: I am a robot, not a person.",
		[MSG_NEXT_STEP] = "I am letting the office's advisors know: one of them will answer you right here. You can already add details to your request.",
		[MSG_YOUR_QUESTION] = "Your question: \"%s\"",
		[MSG_LANG_FALLBACK] = "No advisor speaks your language at the moment: we will answer you in %s.",
		[MSG_TAKEN] = "%1$s (%2$s) is taking your request and will answer you.",
		[MSG_NOBODY_YET] = "All our advisors are busy right now: I am keeping your question, and the first one available will answer you here.",
		[MSG_INVITE] = "Your conversation with %1$s is open: room %2$s, password %3$s.",
		[MSG_FORM_INVALID] = "The attached form could not be read (%s); your question has been passed on.",
		[MSG_TOO_LONG] = "Your message was very long: only the first %d bytes were passed on. You can send the rest in several messages.",
		[MSG_EMPTY] = "Your message was empty: write your question and we will answer you.",
		[MSG_JOIN_ROOM] = "Your conversation continues in the room %s: join it to read the answers.",
		[MSG_SURVEY] = "Thank you for this conversation. How would you rate it, from 1 (not satisfied) to 5 (very satisfied)? You can add a comment after the rating, for example: 5 thanks!",
		[MSG_SURVEY_THANKS] = "Thank you for your feedback. Goodbye and enjoy your stay!",
		[MSG_SURVEY_AGAIN] = "To rate the conversation, write a number from 1 to 5, followed by a comment if you wish.",
		[MSG_GOODBYE] = "The conversation has ended. Thank you for your visit, see you soon!",
		[MSG_SURVEY_FORM_TITLE] = "Your opinion",
		[MSG_SURVEY_RATING_LABEL] = "Rating from 1 to 5",
		[MSG_SURVEY_COMMENT_LABEL] = "Comment (optional)",
		[MSG_LANG_NAME_FR] = "French",
		[MSG_LANG_NAME_EN] = "English",
		[MSG_LANG_NAME_CA] = "Catalan",
		[MSG_LANG_NAME_ES] = "Spanish",
		[MSG_LANG_NAME_DE] = "German",
		[MSG_LANG_NAME_IT] = "Italian",
		[MSG_LANG_NAME_NL] = "Dutch",
		[MSG_LANG_NAME_PT] = "Portuguese",
		[MSG_PRIVATE] = "[accueil · private, not sent to the visitor] %s",
		[MSG_OFFER] = "New request: %1$s (language: %2$s, page: %3$s, %4$s):\n\"%5$s\"\nReply here to take it.",
		[MSG_VISITOR] = "visitor",
		[MSG_TAKEN_BY_YOU] = "You took the request; the visitor sees you as \"%s\". What you write here is passed on. /help for commands.",
		[MSG_TAKEN_BY_OTHER] = "Request taken by %s: nothing left to do for you.",
		[MSG_NOT_YOURS] = "This conversation is handled by %s; your message was not passed on.",
		[MSG_ENDED] = "This conversation has ended; your message was not passed on.",
		[MSG_HELP] = "Commands (never sent to the visitor):\n/help: this help\n/note <text>: private note in the record\n/close: end the conversation (the visitor gets the satisfaction question)\nAny other text is passed on to the visitor under your persona.",
		[MSG_UNKNOWN_COMMAND] = "Unknown command: %s (nothing was sent to the visitor).",
		[MSG_NOTE_SAVED] = "Note saved in the record (not sent to the visitor).",
		[MSG_NOTE_EMPTY] = "Write the note's text after /note.",
		[MSG_CLOSING] = "Conversation closed: the visitor gets the satisfaction question.",
		[MSG_VISITOR_LEFT] = "The visitor left the conversation (page closed or connection lost). They may come back; otherwise it will close by itself.",
		[MSG_VISITOR_BACK] = "The visitor is back.",
		[MSG_VISITOR_GONE] = "The visitor did not come back: conversation closed.",
		[MSG_RATED] = "Visitor's rating: %1$d/5 %2$s",
		[MSG_OMEMO] = "Encrypted (OMEMO) message not passed on: the visitor cannot read it. Turn encryption off for this chat, then send your message again.",
		[MSG_NOT_STAFF] = "This address is for the office's advisors: your message was not passed on.",
		[MSG_NOT_OFFERED] = "This request was not offered to you; your message was not passed on.",
		[MSG_HISTORY_HEADER] = "The visitor's messages so far:",
		[MSG_RELAY_FAILED] = "Your message could not be passed on yet; it is kept and will be delivered as soon as possible.",
	}},
	{"es", {
		[MSG_OFFICE_OPEN] = "Chat abierto: un asesor le responde.",
		[MSG_OFFICE_CLOSED] = "Chat cerrado. Volvemos a abrir el %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Chat cerrado por el momento.",
		[MSG_WEEKDAY_0] = "domingo",
		[MSG_WEEKDAY_1] = "lunes",
		[MSG_WEEKDAY_2] = "martes",
		[MSG_WEEKDAY_3] = "miércoles",
		[MSG_WEEKDAY_4] = "jueves",
		[MSG_WEEKDAY_5] = "viernes",
		[MSG_WEEKDAY_6] = "sábado",
		[MSG_DATE_AT] = "%1$s %2$d a las %3$02d:%4$02d",
		[MSG_GREET_NAMED] = "Hola %1$s, soy %2$s, el asistente automático de %3$s: soy un robot, no una persona.",
		[MSG_GREET] = "Hola, soy %2$s, el asistente automático de %3$s: soy un robot, no una persona.",
		[MSG_NEXT_STEP] = "Aviso a los asesores de la oficina: uno de ellos le responderá aquí mismo. Ya puede precisar su consulta.",
		[MSG_YOUR_QUESTION] = "Su pregunta: «%s»",
		[MSG_LANG_FALLBACK] = "Ningún asesor habla su idioma en este momento: le responderemos en %s.",
		[MSG_TAKEN] = "%1$s (%2$s) se encarga de su consulta.",
		[MSG_NOBODY_YET] = "Todos nuestros asesores están ocupados: guardo su pregunta y el primero disponible le responderá aquí.",
		[MSG_INVITE] = "Su conversación con %1$s está abierta: sala %2$s, contraseña %3$s.",
		[MSG_FORM_INVALID] = "No se pudo leer el formulario adjunto (%s); su pregunta se ha transmitido.",
		[MSG_TOO_LONG] = "Su mensaje era muy largo: solo se transmitieron los primeros %d bytes. Puede enviar el resto en varios mensajes.",
		[MSG_EMPTY] = "Su mensaje estaba vacío: escriba su pregunta y le responderemos.",
		[MSG_JOIN_ROOM] = "Su conversación continúa en la sala %s: entre para leer las respuestas.",
		[MSG_SURVEY] = "Gracias por esta conversación. ¿Cómo la valora, de 1 (nada satisfecho) a 5 (muy satisfecho)? Puede añadir un comentario después de la nota, por ejemplo: 5 ¡gracias!",
		[MSG_SURVEY_THANKS] = "Gracias por su opinión. ¡Adiós y buena estancia!",
		[MSG_SURVEY_AGAIN] = "Para valorar la conversación, escriba un número del 1 al 5, seguido si lo desea de un comentario.",
		[MSG_GOODBYE] = "La conversación ha terminado. ¡Gracias por su visita, hasta pronto!",
		[MSG_SURVEY_FORM_TITLE] = "Su opinión",
		[MSG_SURVEY_RATING_LABEL] = "Nota del 1 al 5",
		[MSG_SURVEY_COMMENT_LABEL] = "Comentario (opcional)",
		[MSG_LANG_NAME_FR] = "francés",
		[MSG_LANG_NAME_EN] = "inglés",
		[MSG_LANG_NAME_CA] = "catalán",
		[MSG_LANG_NAME_ES] = "español",
		[MSG_LANG_NAME_DE] = "alemán",
		[MSG_LANG_NAME_IT] = "italiano",
		[MSG_LANG_NAME_NL] = "neerlandés",
		[MSG_LANG_NAME_PT] = "portugués",
		[MSG_PRIVATE] = "[accueil · privado, no se envía al visitante] %s",
		[MSG_OFFER] = "Nueva consulta: %1$s (idioma: %2$s, página: %3$s, %4$s):\n«%5$s»\nResponda aquí para atenderla.",
		[MSG_VISITOR] = "visitante",
		[MSG_TAKEN_BY_YOU] = "Ha tomado la consulta; el visitante le ve como «%s». Lo que escriba aquí se le transmite. /aide para los comandos.",
		[MSG_TAKEN_BY_OTHER] = "Consulta atendida por %s.",
		[MSG_NOT_YOURS] = "Esta conversación la atiende %s; su mensaje no se transmitió.",
		[MSG_ENDED] = "Esta conversación ha terminado; su mensaje no se transmitió.",
		[MSG_HELP] = "Comandos (no se envían al visitante):\n/aide: esta ayuda\n/note <texto>: nota privada\n/fin: terminar la conversación\nCualquier otro texto se transmite al visitante.",
		[MSG_UNKNOWN_COMMAND] = "Comando desconocido: %s (no se envió nada).",
		[MSG_NOTE_SAVED] = "Nota guardada.",
		[MSG_NOTE_EMPTY] = "Escriba el texto después de /note.",
		[MSG_CLOSING] = "Conversación terminada: el visitante recibe la encuesta.",
		[MSG_VISITOR_LEFT] = "El visitante ha salido de la conversación.",
		[MSG_VISITOR_BACK] = "El visitante ha vuelto.",
		[MSG_VISITOR_GONE] = "El visitante no ha vuelto: conversación cerrada.",
		[MSG_RATED] = "Valoración: %1$d/5 %2$s",
		[MSG_OMEMO] = "Mensaje cifrado (OMEMO) no transmitido: desactive el cifrado para este chat.",
		[MSG_NOT_STAFF] = "Esta dirección es para los asesores.",
		[MSG_NOT_OFFERED] = "Esta consulta no se le ha propuesto.",
		[MSG_HISTORY_HEADER] = "Mensajes del visitante hasta ahora:",
		[MSG_RELAY_FAILED] = "El mensaje se entregará lo antes posible.",
	}},
	{"de", {
		[MSG_OFFICE_OPEN] = "Chat geöffnet: eine Beraterin oder ein Berater antwortet Ihnen.",
		[MSG_OFFICE_CLOSED] = "Chat geschlossen. Wieder geöffnet %s.",
		[MSG_OFFICE_CLOSED_NO_DATE] = "Chat zurzeit geschlossen.",
		[MSG_WEEKDAY_0] = "Sonntag",
		[MSG_WEEKDAY_1] = "Montag",
		[MSG_WEEKDAY_2] = "Dienstag",
		[MSG_WEEKDAY_3] = "Mittwoch",
		[MSG_WEEKDAY_4] = "Donnerstag",
		[MSG_WEEKDAY_5] = "Freitag",
		[MSG_WEEKDAY_6] = "Samstag",
		[MSG_DATE_AT] = "%1$s, %2$d., %3$02d:%4$02d Uhr",
		[MSG_GREET_NAMED] = "Guten Tag %1$s, ich bin %2$s, der automatische Assistent von %3$s: Ich bin ein Roboter, kein Mensch.",
		[MSG_GREET] = "Guten Tag, ich bin %2$s, der automatische Assistent von %3$s: Ich bin ein Roboter, kein Mensch.",
		[MSG_NEXT_STEP] = "Ich benachrichtige die Beraterinnen und Berater: Eine Person antwortet Ihnen gleich hier. Sie können Ihre Anfrage schon ergänzen.",
		[MSG_YOUR_QUESTION] = "Ihre Frage: „%s“",
		[MSG_LANG_FALLBACK] = "Zurzeit spricht niemand Ihre Sprache: Wir antworten Ihnen auf %s.",
		[MSG_TAKEN] = "%1$s (%2$s) übernimmt Ihre Anfrage.",
		[MSG_NOBODY_YET] = "Alle sind gerade beschäftigt: Ich behalte Ihre Frage, und die nächste freie Person antwortet Ihnen hier.",
		[MSG_INVITE] = "Ihr Gespräch mit %1$s ist eröffnet: Raum %2$s, Passwort %3$s.",
		[MSG_FORM_INVALID] = "Das beigefügte Formular war nicht lesbar (%s); Ihre Frage wurde weitergeleitet.",
		[MSG_TOO_LONG] = "Ihre Nachricht war sehr lang: Nur die ersten %d Bytes wurden weitergeleitet. Senden Sie den Rest gern in mehreren Nachrichten.",
		[MSG_EMPTY] = "Ihre Nachricht war leer: Schreiben Sie Ihre Frage, wir antworten Ihnen.",
		[MSG_JOIN_ROOM] = "Ihr Gespräch geht im Raum %s weiter: Treten Sie bei, um die Antworten zu lesen.",
		[MSG_SURVEY] = "Danke für das Gespräch. Wie bewerten Sie es, von 1 (nicht zufrieden) bis 5 (sehr zufrieden)? Sie können nach der Note einen Kommentar schreiben, zum Beispiel: 5 danke!",
		[MSG_SURVEY_THANKS] = "Danke für Ihre Rückmeldung. Auf Wiedersehen und einen schönen Aufenthalt!",
		[MSG_SURVEY_AGAIN] = "Um das Gespräch zu bewerten, schreiben Sie eine Zahl von 1 bis 5, gern gefolgt von einem Kommentar.",
		[MSG_GOODBYE] = "Das Gespräch ist beendet. Danke für Ihren Besuch, bis bald!",
		[MSG_SURVEY_FORM_TITLE] = "Ihre Meinung",
		[MSG_SURVEY_RATING_LABEL] = "Note von 1 bis 5",
		[MSG_SURVEY_COMMENT_LABEL] = "Kommentar (freiwillig)",
		[MSG_LANG_NAME_FR] = "Französisch",
		[MSG_LANG_NAME_EN] = "Englisch",
		[MSG_LANG_NAME_CA] = "Katalanisch",
		[MSG_LANG_NAME_ES] = "Spanisch",
		[MSG_LANG_NAME_DE] = "Deutsch",
		[MSG_LANG_NAME_IT] = "Italienisch",
		[MSG_LANG_NAME_NL] = "Niederländisch",
		[MSG_LANG_NAME_PT] = "Portugiesisch",
		[MSG_PRIVATE] = "[accueil · privat, nicht an den Besucher] %s",
		[MSG_OFFER] = "Neue Anfrage: %1$s (Sprache: %2$s, Seite: %3$s, %4$s):\n„%5$s“\nAntworten Sie hier, um sie zu übernehmen.",
		[MSG_VISITOR] = "Besucher",
		[MSG_TAKEN_BY_YOU] = "Sie haben die Anfrage übernommen; der Besucher sieht Sie als „%s“. /help für die Befehle.",
		[MSG_TAKEN_BY_OTHER] = "Anfrage übernommen von %s.",
		[MSG_NOT_YOURS] = "Dieses Gespräch führt %s; Ihre Nachricht wurde nicht weitergeleitet.",
		[MSG_ENDED] = "Dieses Gespräch ist beendet; Ihre Nachricht wurde nicht weitergeleitet.",
		[MSG_HELP] = "Befehle (nie an den Besucher):\n/help: diese Hilfe\n/note <Text>: private Notiz\n/close: Gespräch beenden\nJeder andere Text geht an den Besucher.",
		[MSG_UNKNOWN_COMMAND] = "Unbekannter Befehl: %s (nichts wurde gesendet).",
		[MSG_NOTE_SAVED] = "Notiz gespeichert.",
		[MSG_NOTE_EMPTY] = "Schreiben Sie den Text nach /note.",
		[MSG_CLOSING] = "Gespräch beendet: der Besucher erhält die Umfrage.",
		[MSG_VISITOR_LEFT] = "Der Besucher hat das Gespräch verlassen.",
		[MSG_VISITOR_BACK] = "Der Besucher ist zurück.",
		[MSG_VISITOR_GONE] = "Der Besucher kam nicht zurück: Gespräch geschlossen.",
		[MSG_RATED] = "Bewertung: %1$d/5 %2$s",
		[MSG_OMEMO] = "Verschlüsselte Nachricht (OMEMO) nicht weitergeleitet: Schalten Sie die Verschlüsselung für diesen Chat aus.",
		[MSG_NOT_STAFF] = "Diese Adresse ist für die Beratung.",
		[MSG_NOT_OFFERED] = "Diese Anfrage wurde Ihnen nicht angeboten.",
		[MSG_HISTORY_HEADER] = "Bisherige Nachrichten des Besuchers:",
		[MSG_RELAY_FAILED] = "Die Nachricht wird so bald wie möglich zugestellt.",
	}},
};

static const struct entry *
find(const char *lang)
{
	size_t i;

	for (i = 0; lang && i < nitems(entries); i++)
		if (strncmp(entries[i].lang, lang, 2) == 0 &&
		    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
			return &entries[i];
	return NULL;
}

int
catalog_has_lang(const char *lang)
{
	return find(lang) != NULL;
}

const char *
catalog_text(const char *lang, enum msg id)
{
	const struct entry *e = find(lang);

	if ((int)id < 0 || id >= MSG_MAX)
		return "";
	if (e && e->text[id])
		return e->text[id];
	if ((e = find("en")) && e->text[id])
		return e->text[id];
	if ((e = find("fr")) && e->text[id])
		return e->text[id];
	return "";
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
char *
catalog_format(char *buf, size_t size, const char *lang, enum msg id, ...)
{
	va_list ap;

	va_start(ap, id);
	vsnprintf(buf, size, catalog_text(lang, id), ap);
	va_end(ap);
	return buf;
}
#pragma GCC diagnostic pop
