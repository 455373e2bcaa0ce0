/*
 * mail_text.c: the texts of e-mails and follow-ups (mail_text.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mail_text.h"
#include "util.h"

struct lang_texts {
	const char *lang;
	const char *t[MT__COUNT];
};

static const struct lang_texts texts[] = {
	{"fr", {
		[MT_CONSENT_NOTED] = "Merci, c'est noté.",
		[MT_CONSENT_NOTED_NO] = "Entendu, nous ne vous recontacterons pas.",
		[MT_TRANSCRIPT_OFFER] = "Pour recevoir cette conversation par e-mail, écrivez votre adresse.",
		[MT_CONSENT_ASK] = "« %s » Êtes-vous d'accord ? Répondez oui ou non.",
		[MT_CONSENT_YES] = "Merci, c'est noté. Au revoir et bon séjour !",
		[MT_CONSENT_NO] = "Entendu, nous ne vous recontacterons pas. Au revoir et bon séjour !",
		[MT_ANSWER_SUBJECT] = "%s : réponse à votre question",
		[MT_HELLO] = "Bonjour %s,",
		[MT_YOU_WROTE] = "Vous nous avez écrit :",
		[MT_SIGNATURE] = "%1$s\n%2$s",
		[MT_QUEUED] = "Demande %1$ld : la réponse part par e-mail à "
		    "%2$s. Vous serez prévenu(e) si l'envoi échoue.",
		[MT_FAILED] = "L'e-mail à %1$s n'a pas pu être envoyé après "
		    "%2$d essais (%3$s). Objet : « %4$s ». Contactez la "
		    "personne autrement.",
		[MT_RATING_SUBJECT] = "%s : votre avis sur notre échange",
		[MT_RATING_BODY] = "Vous avez échangé avec %s il y a quelques "
		    "jours. Comment cela s'est-il passé ? Répondez par une "
		    "note de 1 (mauvais) à 5 (excellent).",
		[MT_NEWS_SUBJECT] = "%s : avez-vous encore besoin d'aide ?",
		[MT_NEWS_BODY] = "Avez-vous trouvé ce que vous cherchiez ? Si "
		    "vous avez encore une question, répondez simplement à "
		    "ce message.",
		[MT_STOP_EMAIL] = "Pour ne plus recevoir ces messages, écrivez "
		    "« STOP » à %s.",
		[MT_STOP_XMPP] = "Pour ne plus recevoir ces messages, "
		    "répondez STOP.",
		[MT_CONSENT] = "J'accepte que l'office me recontacte deux fois "
		    "après cet échange (mon avis, puis si j'ai encore besoin "
		    "d'aide).",
		[MT_RATED] = "Merci pour votre note de %d sur 5.",
		[MT_WITHDRAWN] = "C'est noté : vous ne recevrez plus de "
		    "messages de suivi.",
		[MT_TRANSCRIPT_SUBJECT] = "%s : votre conversation",
		[MT_TRANSCRIPT_INTRO] = "Voici votre conversation avec %s :",
		[MT_TRANSCRIPT_QUEUED] = "La conversation vous sera envoyée "
		    "à %s.",
	}},
	{"ca", {
		[MT_CONSENT_NOTED] = "Gràcies, ho tenim en compte.",
		[MT_CONSENT_NOTED_NO] = "D'acord, no us tornarem a contactar.",
		[MT_TRANSCRIPT_OFFER] = "Per rebre aquesta conversa per correu, escriviu la vostra adreça.",
		[MT_CONSENT_ASK] = "«%s» Hi esteu d'acord? Responeu sí o no.",
		[MT_CONSENT_YES] = "Gràcies, ho tenim en compte. Adéu i bona estada!",
		[MT_CONSENT_NO] = "D'acord, no us tornarem a contactar. Adéu i bona estada!",
		[MT_ANSWER_SUBJECT] = "%s: resposta a la vostra pregunta",
		[MT_HELLO] = "Bon dia %s,",
		[MT_YOU_WROTE] = "Ens vau escriure:",
		[MT_SIGNATURE] = "%1$s\n%2$s",
		[MT_RATING_SUBJECT] = "%s: la vostra opinió",
		[MT_RATING_BODY] = "Fa uns dies vau parlar amb %s. Com va anar? "
		    "Responeu amb una nota de l'1 (malament) al 5 "
		    "(excel·lent).",
		[MT_NEWS_SUBJECT] = "%s: encara necessiteu ajuda?",
		[MT_NEWS_BODY] = "Heu trobat el que buscàveu? Si encara teniu "
		    "alguna pregunta, responeu aquest missatge.",
		[MT_STOP_EMAIL] = "Per no rebre més aquests missatges, "
		    "escriviu «STOP» a %s.",
		[MT_STOP_XMPP] = "Per no rebre més aquests missatges, "
		    "responeu STOP.",
		[MT_CONSENT] = "Accepto que l'oficina em torni a contactar dues "
		    "vegades després d'aquesta conversa (la meva opinió, i "
		    "si encara necessito ajuda).",
		[MT_RATED] = "Gràcies per la vostra nota de %d sobre 5.",
		[MT_WITHDRAWN] = "Entesos: no rebreu més missatges de "
		    "seguiment.",
		[MT_TRANSCRIPT_SUBJECT] = "%s: la vostra conversa",
		[MT_TRANSCRIPT_INTRO] = "Aquesta és la vostra conversa amb %s:",
		[MT_TRANSCRIPT_QUEUED] = "Us enviarem la conversa a %s.",
	}},
	{"en", {
		[MT_CONSENT_NOTED] = "Thank you, noted.",
		[MT_CONSENT_NOTED_NO] = "Understood, we will not contact you again.",
		[MT_TRANSCRIPT_OFFER] = "To get this conversation by e-mail, write your address.",
		[MT_CONSENT_ASK] = "\"%s\" Do you agree? Reply yes or no.",
		[MT_CONSENT_YES] = "Thank you, noted. Goodbye and enjoy your stay!",
		[MT_CONSENT_NO] = "Understood, we will not contact you again. Goodbye and enjoy your stay!",
		[MT_ANSWER_SUBJECT] = "%s: an answer to your question",
		[MT_HELLO] = "Hello %s,",
		[MT_YOU_WROTE] = "You wrote to us:",
		[MT_SIGNATURE] = "%1$s\n%2$s",
		[MT_QUEUED] = "Request %1$ld: the answer goes by e-mail to %2$s. "
		    "You will be told if it cannot be sent.",
		[MT_FAILED] = "The e-mail to %1$s could not be sent after %2$d "
		    "tries (%3$s). Subject: \"%4$s\". Please reach them "
		    "another way.",
		[MT_RATING_SUBJECT] = "%s: how did we do?",
		[MT_RATING_BODY] = "You talked with %s a few days ago. How was "
		    "it? Reply with a rating from 1 (poor) to 5 (excellent).",
		[MT_NEWS_SUBJECT] = "%s: do you still need help?",
		[MT_NEWS_BODY] = "Did you find what you were looking for? If you "
		    "still have a question, just reply to this message.",
		[MT_STOP_EMAIL] = "To stop these messages, write \"STOP\" to %s.",
		[MT_STOP_XMPP] = "To stop these messages, reply STOP.",
		[MT_CONSENT] = "I agree that the office may contact me twice "
		    "after this conversation (my opinion, then whether I "
		    "still need help).",
		[MT_RATED] = "Thank you for your rating of %d out of 5.",
		[MT_WITHDRAWN] = "Done: you will get no more follow-up "
		    "messages.",
		[MT_TRANSCRIPT_SUBJECT] = "%s: your conversation",
		[MT_TRANSCRIPT_INTRO] = "Here is your conversation with %s:",
		[MT_TRANSCRIPT_QUEUED] = "The conversation will be sent to %s.",
	}},
	{"es", {
		[MT_CONSENT_NOTED] = "Gracias, queda anotado.",
		[MT_CONSENT_NOTED_NO] = "Entendido, no volveremos a contactarle.",
		[MT_TRANSCRIPT_OFFER] = "Para recibir esta conversación por correo, escriba su dirección.",
		[MT_CONSENT_ASK] = "«%s» ¿Está de acuerdo? Responda sí o no.",
		[MT_CONSENT_YES] = "Gracias, queda anotado. ¡Adiós y buena estancia!",
		[MT_CONSENT_NO] = "Entendido, no volveremos a contactarle. ¡Adiós y buena estancia!",
		[MT_ANSWER_SUBJECT] = "%s: respuesta a su pregunta",
		[MT_HELLO] = "Hola %s:",
		[MT_YOU_WROTE] = "Usted nos escribió:",
		[MT_SIGNATURE] = "%1$s\n%2$s",
		[MT_RATING_SUBJECT] = "%s: su opinión",
		[MT_RATING_BODY] = "Hace unos días habló con %s. ¿Qué tal fue? "
		    "Responda con una nota del 1 (mal) al 5 (excelente).",
		[MT_NEWS_SUBJECT] = "%s: ¿todavía necesita ayuda?",
		[MT_NEWS_BODY] = "¿Encontró lo que buscaba? Si aún tiene alguna "
		    "pregunta, responda a este mensaje.",
		[MT_STOP_EMAIL] = "Para no recibir más estos mensajes, escriba "
		    "«STOP» a %s.",
		[MT_STOP_XMPP] = "Para no recibir más estos mensajes, responda "
		    "STOP.",
		[MT_CONSENT] = "Acepto que la oficina me vuelva a contactar dos "
		    "veces después de esta conversación (mi opinión, y si "
		    "aún necesito ayuda).",
		[MT_RATED] = "Gracias por su nota de %d sobre 5.",
		[MT_WITHDRAWN] = "Entendido: no recibirá más mensajes de "
		    "seguimiento.",
		[MT_TRANSCRIPT_SUBJECT] = "%s: su conversación",
		[MT_TRANSCRIPT_INTRO] = "Esta es su conversación con %s:",
		[MT_TRANSCRIPT_QUEUED] = "Le enviaremos la conversación a %s.",
	}},
	{"de", {
		[MT_CONSENT_NOTED] = "Danke, notiert.",
		[MT_CONSENT_NOTED_NO] = "Verstanden, wir kontaktieren Sie nicht wieder.",
		[MT_TRANSCRIPT_OFFER] = "Um dieses Gespräch per E-Mail zu erhalten, schreiben Sie Ihre Adresse.",
		[MT_CONSENT_ASK] = "„%s“ Sind Sie einverstanden? Antworten Sie ja oder nein.",
		[MT_CONSENT_YES] = "Danke, notiert. Auf Wiedersehen und einen schönen Aufenthalt!",
		[MT_CONSENT_NO] = "Verstanden, wir kontaktieren Sie nicht wieder. Auf Wiedersehen und einen schönen Aufenthalt!",
		[MT_ANSWER_SUBJECT] = "%s: Antwort auf Ihre Frage",
		[MT_HELLO] = "Guten Tag %s,",
		[MT_YOU_WROTE] = "Sie haben uns geschrieben:",
		[MT_SIGNATURE] = "%1$s\n%2$s",
		[MT_RATING_SUBJECT] = "%s: Ihre Meinung",
		[MT_RATING_BODY] = "Sie haben vor einigen Tagen mit %s "
		    "gesprochen. Wie war es? Antworten Sie mit einer Note von "
		    "1 (schlecht) bis 5 (ausgezeichnet).",
		[MT_NEWS_SUBJECT] = "%s: Brauchen Sie noch Hilfe?",
		[MT_NEWS_BODY] = "Haben Sie gefunden, was Sie suchten? Wenn Sie "
		    "noch eine Frage haben, antworten Sie einfach auf diese "
		    "Nachricht.",
		[MT_STOP_EMAIL] = "Um keine solchen Nachrichten mehr zu "
		    "erhalten, schreiben Sie „STOP“ an %s.",
		[MT_STOP_XMPP] = "Um keine solchen Nachrichten mehr zu "
		    "erhalten, antworten Sie STOP.",
		[MT_CONSENT] = "Ich bin einverstanden, dass das Büro mich nach "
		    "diesem Gespräch zweimal kontaktiert (meine Meinung, und "
		    "ob ich noch Hilfe brauche).",
		[MT_RATED] = "Danke für Ihre Note %d von 5.",
		[MT_WITHDRAWN] = "Verstanden: Sie erhalten keine weiteren "
		    "Nachrichten.",
		[MT_TRANSCRIPT_SUBJECT] = "%s: Ihr Gespräch",
		[MT_TRANSCRIPT_INTRO] = "Hier ist Ihr Gespräch mit %s:",
		[MT_TRANSCRIPT_QUEUED] = "Das Gespräch wird an %s gesendet.",
	}},
};

static const char *
lookup(const char *lang, enum mail_text_id id)
{
	size_t i;

	for (i = 0; i < nitems(texts); i++)
		if (lang && strcmp(texts[i].lang, lang) == 0)
			return texts[i].t[id];
	return NULL;
}

const char *
mail_text(const char *lang, enum mail_text_id id)
{
	const char *t;

	if ((unsigned)id >= MT__COUNT)
		return "";
	if ((t = lookup(lang, id)) == NULL && (t = lookup("en", id)) == NULL &&
	    (t = lookup("fr", id)) == NULL)
		t = "";
	return t;
}

char *
mail_text_format(const char *lang, enum mail_text_id id, ...)
{
	va_list ap;
	char *out;
	int n;

	va_start(ap, id);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = vasprintf(&out, mail_text(lang, id), ap);
#pragma GCC diagnostic pop
	va_end(ap);
	if (n < 0)
		fatal("out of memory");
	return out;
}
