CREATE TABLE "analytics_daily_active" (
	"community_id" uuid NOT NULL,
	"day" date NOT NULL,
	"member_id" uuid NOT NULL,
	CONSTRAINT "analytics_daily_active_community_id_day_member_id_pk" PRIMARY KEY("community_id","day","member_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_daily_revenue" (
	"community_id" uuid NOT NULL,
	"day" date NOT NULL,
	"currency" text NOT NULL,
	"charges" integer NOT NULL,
	"gross" bigint NOT NULL,
	"refunds" bigint NOT NULL,
	"disputes" bigint NOT NULL,
	"disputes_won" bigint NOT NULL,
	CONSTRAINT "analytics_daily_revenue_community_id_day_currency_pk" PRIMARY KEY("community_id","day","currency")
);
--> statement-breakpoint
CREATE TABLE "analytics_rollup_watermarks" (
	"rollup" text PRIMARY KEY NOT NULL,
	"ledger_created_at" timestamp with time zone,
	"behaviour_event_id" bigint,
	"refreshed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "analytics_daily_active" ADD CONSTRAINT "analytics_daily_active_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily_revenue" ADD CONSTRAINT "analytics_daily_revenue_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_entries_created_idx" ON "ledger_entries" USING btree ("created_at");