/*
 * wire.c: which modules hear which events, and the order in which the
 * router offers stanzas to them. One list, used by accueild (main.c) and
 * by the stanza router's fuzz target, so the two never drift apart.
 */
#include "config.h"

#include "adhoc.h"
#include "adhoc_conv.h"
#include "catchup.h"
#include "cmds.h"
#include "console.h"
#include "conv.h"
#include "desk.h"
#include "evplugins.h"
#include "followup.h"
#include "intake.h"
#include "offline.h"
#include "outbox.h"
#include "persona.h"
#include "ratelimit.h"
#include "resume.h"
#include "review.h"
#include "room.h"
#include "room_setup.h"
#include "roompool.h"
#include "router.h"
#include "routing.h"
#include "service.h"
#include "staff.h"
#include "stats.h"
#include "supervise.h"
#include "survey.h"
#include "territory.h"
#include "transcript.h"
#include "video.h"
#include "vpresence.h"
#include "wire.h"

void
wire_hooks(void)
{
	catchup_init();
	ratelimit_init();
	conv_init();
	room_setup_init();
	stats_init();
	intake_init();
	survey_init();
	offline_init();
	evplugins_init();
	routing_init();
	territory_init();
	video_init();
	console_init();
	desk_init();
	vpresence_init();
	supervise_init();
	outbox_init();
	followup_init();
	followup_form_init();
	transcript_init();
}

void
wire_routes(void)
{
	router_add(adhoc_route);
	router_add(adhoc_conv_route);
	router_add(review_route);
	router_add(service_route);
	router_add(persona_route);
	router_add(roompool_route);	/* the pool's rooms first */
	router_add(room_setup_route);
	router_add(room_route);
	router_add(catchup_route);
	router_add(resume_route);
	router_add(followup_form_route);
	router_add(followup_route);	/* before intake: a rating, STOP */
	router_add(intake_route);
	router_add(supervise_route);
	router_add(vpresence_route);
	router_add(cmds_route);
	router_add(console_route);
	router_add(desk_route);
	router_add(staff_route);
}
