CREATE TABLE "button_payloads" (
	"community_id" uuid NOT NULL,
	"key" text NOT NULL,
	"payload" text NOT NULL,
	"last_used_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "button_payloads_community_id_key_pk" PRIMARY KEY("community_id","key"),
	CONSTRAINT "button_payloads_key_format" CHECK ("button_payloads"."key" ~ '^[A-Za-z0-9_-]{16}$'),
	CONSTRAINT "button_payloads_payload_length" CHECK (length("button_payloads"."payload") <= 1000)
);
--> statement-breakpoint
ALTER TABLE "button_payloads" ADD CONSTRAINT "button_payloads_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "button_payloads_last_used_idx" ON "button_payloads" USING btree ("last_used_at");