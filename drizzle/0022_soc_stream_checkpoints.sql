CREATE TABLE "soc_stream_checkpoints" (
	"consumer" text PRIMARY KEY NOT NULL,
	"day" text NOT NULL,
	"ingest_id" uuid NOT NULL,
	"last_seq" bigint NOT NULL,
	"state" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "soc_stream_checkpoints" ADD CONSTRAINT "soc_stream_checkpoints_ingest_id_soc_ingests_id_fk" FOREIGN KEY ("ingest_id") REFERENCES "public"."soc_ingests"("id") ON DELETE cascade ON UPDATE no action;