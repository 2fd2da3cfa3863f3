CREATE TABLE "unreachable_targets" (
	"platform" "platform" NOT NULL,
	"target_id" text NOT NULL,
	"reason" text NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unreachable_targets_platform_target_id_pk" PRIMARY KEY("platform","target_id")
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "unconfirmed" boolean DEFAULT false NOT NULL;